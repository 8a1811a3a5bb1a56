import Glibc

/// Small POSIX socket helpers shared by the harness (all descriptors are close-on-exec so that
/// children spawned concurrently by other tests never inherit them).
enum LoopbackSockets {
    /// Opens a TCP socket bound to 127.0.0.1:`port` (0 = kernel's choice) and returns it with its port.
    static func bind(port: Int, listen backlog: Int32?) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SSHDHarnessError.systemCall(operation: "socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw SSHDHarnessError.systemCall(operation: "bind 127.0.0.1:\(port)", errno: code)
        }
        if let backlog, Glibc.listen(fd, backlog) != 0 {
            let code = errno
            close(fd)
            throw SSHDHarnessError.systemCall(operation: "listen", errno: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound, then released).
    /// Another process may grab it before it is used; callers retry a bounded number of times.
    static func pickFreePort() throws -> Int {
        let (fd, port) = try bind(port: 0, listen: nil)
        close(fd)
        return port
    }

    /// The C signature of Linux's `accept4(2)`, which Swift's Glibc module does not export.
    private typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    /// `accept4(2)`, looked up once at run time.
    private static let accept4: Accept4? = {
        // A nil handle is RTLD_DEFAULT on glibc: search the global symbol scope.
        guard let symbol = dlsym(nil, "accept4") else { return nil }
        return unsafeBitCast(symbol, to: Accept4.self)
    }()

    /// Accepts a connection whose descriptor is close-on-exec from the start (`accept4` with
    /// `SOCK_CLOEXEC`), so a child spawned concurrently can never inherit it. Falls back to
    /// `accept` + `FD_CLOEXEC` if `accept4` is unavailable. Returns -1 on failure.
    static func acceptCloseOnExec(_ listenFD: Int32) -> Int32 {
        if let accept4 { return accept4(listenFD, nil, nil, Int32(SOCK_CLOEXEC.rawValue)) }
        let fd = accept(listenFD, nil, nil)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }
}
