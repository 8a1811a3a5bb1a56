/// The option values that apply to one host, gathered from ssh_config documents in OpenSSH's
/// order: every value of every applicable line, in the order read. For a single-valued option the
/// first value is the one that counts ("the first obtained value will be used", ssh_config(5)).
package struct SSHConfigResolution: Sendable, Equatable {
    /// Argument lists per lowercased keyword, in the order obtained.
    package var values: [String: [[String]]] = [:]
    /// Things worth a debug log: ignored keywords, skipped `Match` blocks, includes that matched nothing.
    package var notes: [String] = []
    /// Problems that make the configuration unusable, such as includes nested too deeply.
    package var issues: [SSHConfigSyntaxIssue] = []

    /// The first argument list obtained for `keyword` (lowercase).
    package func first(_ keyword: String) -> [String]? { values[keyword]?.first }
}

/// Applies ssh_config documents to a host name as OpenSSH's readconf.c does: `Host` lines switch
/// the following lines on when one of their patterns matches the name and none of their negated
/// (`!`) patterns does; `Include` reads more documents in place, through `include`, no deeper than
/// `maximumIncludeDepth`; `Match all`, `Match host` and `Match originalhost` are evaluated, and a
/// block with any other criterion is skipped (never misapplied).
package struct SSHConfigResolver {
    /// OpenSSH's READCONF_MAX_DEPTH.
    package static let maximumIncludeDepth = 16
    /// Stop after this many directives in total, whatever the includes do (one document may hold
    /// `SSHConfigDocument.maximumLineCount`).
    package static let maximumDirectives = 100_000
    /// Stop after reading this many included documents in total. Depth alone does not bound the work:
    /// a file that includes itself twice is read 2^16 times by depth 16 (found by FuzzSSHConfig).
    package static let maximumIncludedDocuments = 1024
    /// At most this many notes are kept; the rest are counted in one last note.
    package static let maximumNotes = 256

    /// The name given on the command line (matched by `Host` and `Match originalhost`).
    package var host: String
    /// Keywords (lowercase) the caller understands; others are noted and ignored.
    package var knownKeywords: Set<String>
    /// Reads the documents one `Include` argument names (glob expanded, in sorted order); an empty list
    /// when nothing matches. The resolver never touches files itself.
    package var include: (_ path: String) -> [SSHConfigDocument]

    /// A resolver for `host`.
    package init(host: String, knownKeywords: Set<String>, include: @escaping (_ path: String) -> [SSHConfigDocument]) {
        self.host = host
        self.knownKeywords = knownKeywords
        self.include = include
    }

    /// The values for `host` from `documents`, read in order (e.g. command-line options first, then
    /// the user's file).
    package func resolve(_ documents: [SSHConfigDocument]) -> SSHConfigResolution {
        var state = Walk(resolution: SSHConfigResolution(), directives: 0)
        for document in documents where !state.stopped { walk(document, depth: 0, neverMatch: false, state: &state) }
        if state.droppedNotes > 0 { state.resolution.notes.append("\(state.droppedNotes) more notes not shown") }
        return state.resolution
    }

    private struct Walk {
        var resolution: SSHConfigResolution
        var directives: Int
        var includedDocuments = 0
        var droppedNotes = 0
        /// Set once a limit was hit: the walk unwinds without reading anything more.
        var stopped = false

        mutating func note(_ text: String) {
            if resolution.notes.count < SSHConfigResolver.maximumNotes {
                resolution.notes.append(text)
            } else {
                droppedNotes += 1
            }
        }

        mutating func stop(_ issue: SSHConfigSyntaxIssue) {
            resolution.issues.append(issue)
            stopped = true
        }
    }

    private func walk(_ document: SSHConfigDocument, depth: Int, neverMatch: Bool, state: inout Walk) {
        state.resolution.issues += document.issues.prefix(max(0, Self.maximumNotes - state.resolution.issues.count))
        var active = !neverMatch
        for entry in document.entries {
            guard !state.stopped else { return }
            state.directives += 1
            guard state.directives <= Self.maximumDirectives else {
                state.stop(SSHConfigSyntaxIssue(source: document.source, line: entry.line,
                                                reason: "more than \(Self.maximumDirectives) directives in all"))
                return
            }
            switch entry.directive {
            case let .host(patterns):
                active = !neverMatch && hostLineMatches(patterns)
            case let .match(criteria):
                let outcome = matchLineMatches(criteria, resolution: state.resolution)
                if let note = outcome.note {
                    state.note("\(document.source) line \(entry.line): \(note)")
                }
                active = !neverMatch && outcome.matches
            case let .include(paths):
                guard depth + 1 <= Self.maximumIncludeDepth else {
                    state.stop(SSHConfigSyntaxIssue(source: document.source, line: entry.line,
                                                    reason: "Include nested more than \(Self.maximumIncludeDepth) levels deep"))
                    return
                }
                for path in paths {
                    let documents = include(path)
                    if documents.isEmpty {
                        state.note("\(document.source) line \(entry.line): Include \(path) matched no files")
                    }
                    for included in documents {
                        state.includedDocuments += 1
                        guard state.includedDocuments <= Self.maximumIncludedDocuments else {
                            state.stop(SSHConfigSyntaxIssue(source: document.source, line: entry.line,
                                                            reason: "more than \(Self.maximumIncludedDocuments) included files read in all"))
                            return
                        }
                        walk(included, depth: depth + 1, neverMatch: !active, state: &state)
                        if state.stopped { return }
                    }
                }
            case let .option(keyword, arguments):
                guard active else { continue }
                guard knownKeywords.contains(keyword) else {
                    state.note("\(document.source) line \(entry.line): ignoring unsupported option \(keyword)")
                    continue
                }
                state.resolution.values[keyword, default: []].append(arguments)
            }
        }
    }

    /// OpenSSH's `Host` rule: each argument is one pattern (`*`, `?`), matched case-sensitively
    /// against the name as given; a matching negated pattern makes the line fail at once.
    private func hostLineMatches(_ patterns: [String]) -> Bool {
        var matched = false
        for rawPattern in patterns {
            let negated = rawPattern.hasPrefix("!")
            let pattern = negated ? String(rawPattern.dropFirst()) : rawPattern
            guard pattern.utf8.count < HostPatternMatcher.maximumPatternLength else { continue }
            if HostPatternMatcher.matchesGlob(host, pattern: pattern) {
                if negated { return false }
                matched = true
            }
        }
        return matched
    }

    /// `Match` criteria: `all`, `host list`, `originalhost list` (each may be negated with `!`);
    /// anything else makes the block inactive with a note.
    private func matchLineMatches(_ criteria: [String], resolution: SSHConfigResolution) -> (matches: Bool, note: String?) {
        var index = 0
        var result = true
        while index < criteria.count {
            var name = HostPatternMatcher.asciiLowercased(criteria[index])
            let negated = name.hasPrefix("!")
            if negated { name.removeFirst() }
            index += 1
            switch name {
            case "all":
                guard criteria.count == 1 else {
                    return (false, "Match all must stand alone; block skipped")
                }
                result = !negated
            case "host", "originalhost":
                guard index < criteria.count else { return (false, "Match \(name) needs a pattern list; block skipped") }
                let list = criteria[index]
                index += 1
                let name = name == "host" ? currentHostName(resolution) : host
                if HostPatternMatcher.hostMatches(name, patternList: list) == negated { result = false }
            default:
                return (false, "Match criterion \(name) is not supported; block skipped")
            }
        }
        return (result, nil)
    }

    /// The host name `Match host` tests: the HostName obtained so far (with `%h` expanded), else the name given.
    private func currentHostName(_ resolution: SSHConfigResolution) -> String {
        guard let hostName = resolution.first("hostname")?.first else { return host }
        return Self.expandHostName(hostName, host: host)
    }

    /// Expands `%h` (the name given) and `%%` in a HostName value, as ssh(1) does.
    package static func expandHostName(_ value: String, host: String) -> String {
        var result = ""
        var iterator = value.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else { result.append(character); continue }
            switch iterator.next() {
            case "h": result += host
            case "%": result.append("%")
            case let other?: result.append("%"); result.append(other)
            case nil: result.append("%")
            }
        }
        return result
    }
}
