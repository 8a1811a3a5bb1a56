import FuzzBodies

/// libFuzzer entry point; the body lives in Tests/FuzzBodies so `swift test` replays the corpus.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzBodies.sshConfig(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
