// Finds the constructs that trap at run time on bad input: `try!`, forced casts `as!`, and force
// unwraps (a postfix `!` on a value, implicitly unwrapped optionals included). Comments and string
// literals are skipped, so `!=`, prefix `!x`, and "!" in text are never reported.
// Usage: lint-no-traps ALLOWLIST DIR...   |   lint-no-traps --self-test
import Foundation

struct Finding: Equatable {
    var line: Int
    var column: Int
    var kind: String
}

/// Scans Swift source text. A small lexer: nested block comments, line comments, string literals
/// (single-line, multi-line, raw `#"…"#`) with their interpolations `\( … )` scanned as code.
func scan(_ source: String) -> [Finding] {
    enum Mode { case code, lineComment, blockComment(depth: Int), string(hashes: Int, multiline: Bool) }
    let chars = Array(source.unicodeScalars)
    var findings: [Finding] = []
    var modes: [Mode] = [.code]
    var parenDepths: [Int] = [] // one per open interpolation: parens open inside it
    var line = 1, column = 0
    var index = 0
    var previousCode: Unicode.Scalar? = nil // last code character (whitespace included)
    var previousWord = ""                   // identifier that ends right before the current character
    var currentWord = ""

    func at(_ offset: Int) -> Unicode.Scalar? {
        let position = index + offset
        return position < chars.count ? chars[position] : nil
    }
    func matches(_ text: String, from offset: Int = 0) -> Bool {
        for (k, scalar) in text.unicodeScalars.enumerated() where at(offset + k) != scalar { return false }
        return true
    }
    func isIdentifier(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar == "_" || CharacterSet.alphanumerics.contains(scalar)
    }

    while index < chars.count {
        let scalar = chars[index]
        var advance = 1
        switch modes[modes.count - 1] {
        case .lineComment:
            if scalar == "\n" { modes.removeLast() }
        case let .blockComment(depth):
            if matches("*/") {
                modes.removeLast()
                if depth > 1 { modes.append(.blockComment(depth: depth - 1)) }
                advance = 2
            } else if matches("/*") {
                modes[modes.count - 1] = .blockComment(depth: depth + 1)
                advance = 2
            }
        case let .string(hashes, multiline):
            let terminator = (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            if matches(escape + "(") {
                modes.append(.code)
                parenDepths.append(0)
                advance = escape.unicodeScalars.count + 1
            } else if matches(escape) {
                advance = escape.unicodeScalars.count + 1 // skip the escaped character
            } else if matches(terminator) {
                modes.removeLast()
                advance = terminator.unicodeScalars.count
                previousCode = "\""
                currentWord = ""
            }
        case .code:
            if matches("//") {
                modes.append(.lineComment)
                advance = 2
            } else if matches("/*") {
                modes.append(.blockComment(depth: 1))
                advance = 2
            } else if scalar == "\"" || (scalar == "#" && (matches("#\"") || matches("##"))) {
                var hashes = 0
                while at(hashes) == "#" { hashes += 1 }
                if at(hashes) == "\"" {
                    let multiline = matches("\"\"\"", from: hashes)
                    modes.append(.string(hashes: hashes, multiline: multiline))
                    advance = hashes + (multiline ? 3 : 1)
                } else {
                    previousCode = scalar
                }
            } else {
                if scalar == "(" , !parenDepths.isEmpty { parenDepths[parenDepths.count - 1] += 1 }
                if scalar == ")", let depth = parenDepths.last, modes.count > 1 {
                    if depth == 0 {
                        parenDepths.removeLast()
                        modes.removeLast() // back into the string
                        break
                    }
                    parenDepths[parenDepths.count - 1] = depth - 1
                }
                if scalar == "!" && at(1) != "=" {
                    if previousWord == "try" && previousCode == "y" {
                        findings.append(Finding(line: line, column: column + 1, kind: "try!"))
                    } else if previousWord == "as" && previousCode == "s" {
                        findings.append(Finding(line: line, column: column + 1, kind: "forced cast as!"))
                    } else if let before = previousCode, isIdentifier(before) || before == ")" || before == "]" || before == ">" || before == "?" {
                        findings.append(Finding(line: line, column: column + 1, kind: "force unwrap !"))
                    }
                }
                if isIdentifier(scalar) {
                    currentWord.unicodeScalars.append(scalar)
                    previousWord = currentWord
                } else {
                    currentWord = ""
                    if !(scalar == "!") { previousWord = "" }
                }
                previousCode = scalar
            }
        }
        for _ in 0..<advance where index < chars.count {
            if chars[index] == "\n" { line += 1; column = 0 } else { column += 1 }
            index += 1
        }
    }
    return findings
}

/// Checks the scanner on samples that must and must not be reported.
func selfTest() -> Bool {
    let cases: [(String, [String])] = [
        ("let a = b!", ["force unwrap !"]),
        ("let a = b!.c", ["force unwrap !"]),
        ("let a = f()!", ["force unwrap !"]),
        ("let a = xs[0]!", ["force unwrap !"]),
        ("var a: Int!", ["force unwrap !"]),
        ("let a = try! f()", ["try!"]),
        ("let a = b as! C", ["forced cast as!"]),
        ("let a = b?.c!", ["force unwrap !"]),
        ("let a = \"\\(b!)\"", ["force unwrap !"]),
        ("if a != b, !c { }", []),
        ("let a = !b && !(c)", []),
        ("let a = \"wow!\" // b!", []),
        ("/* a! /* nested b! */ c! */ let x = 1", []),
        ("let a = \"\"\"\n  x! \"quoted!\"\n  \"\"\"", []),
        ("let a = #\"raw! \"still\"!\"#", []),
        ("let a = \"\\(a != b) \\\"!\\\" ok\"", []),
        ("let a = try? f(); let b = c as? D", []),
        ("let a = b !== c", []),
    ]
    var ok = true
    for (source, expected) in cases {
        let got = scan(source).map(\.kind)
        if got != expected {
            print("self-test failed for: \(source)\n  expected \(expected), got \(got)")
            ok = false
        }
    }
    return ok
}

/// One reviewed exception: a file and the exact trimmed source line.
struct Allowed: Hashable {
    var path: String
    var code: String
}

func loadAllowList(_ path: String) -> Set<Allowed> {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    var allowed = Set<Allowed>()
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.hasPrefix("#") { continue }
        let fields = line.components(separatedBy: " | ")
        guard fields.count >= 2 else { print("allow-list: ignoring malformed line: \(line)"); continue }
        allowed.insert(Allowed(path: fields[0].trimmingCharacters(in: .whitespaces), code: fields[1].trimmingCharacters(in: .whitespaces)))
    }
    return allowed
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard selfTest() else { exit(2) }
if arguments.first == "--self-test" {
    print("lint-no-traps self-test passed")
    exit(0)
}
guard arguments.count >= 2 else {
    print("usage: lint-no-traps ALLOWLIST DIR...")
    exit(2)
}
let allowed = loadAllowList(arguments[0])
var used = Set<Allowed>()
var violations = 0
var files = 0
for directory in arguments.dropFirst() {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
        print("error: cannot read \(directory)")
        exit(2)
    }
    for case let relative as String in enumerator where relative.hasSuffix(".swift") {
        let path = directory + "/" + relative
        guard let source = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
        files += 1
        let lines = source.components(separatedBy: "\n")
        for finding in scan(source) {
            let code = lines[finding.line - 1].trimmingCharacters(in: .whitespaces)
            let key = Allowed(path: path, code: code)
            if allowed.contains(key) {
                used.insert(key)
                continue
            }
            violations += 1
            print("\(path):\(finding.line):\(finding.column): error: \(finding.kind) can trap on bad input: \(code)")
        }
    }
}
for stale in allowed.subtracting(used) {
    print("warning: allow-list entry matches nothing (remove it): \(stale.path) | \(stale.code)")
}
if violations > 0 {
    print("lint-no-traps: \(violations) finding(s) in \(files) files. Handle the nil or error case, or, if it truly cannot fail, add the line to the allow-list with the reason.")
    exit(1)
}
print("lint-no-traps: no try!, as! or force unwrap in \(files) files (\(used.count) allow-listed)")
