import NIOCore

/// One message for the transport to send as one packet (RFC 4253 §6): its bytes, optionally followed
/// by a body kept in its own buffer. CHANNEL_DATA (RFC 4254 §5.2) carries its data as the body, so the
/// data is copied once, by the packet encoder, instead of first into a message buffer.
package struct OutboundMessage: Sendable {
    /// The message number and fields (for CHANNEL_DATA: up to and including the data's length).
    package var head: ByteBuffer
    /// Bytes that follow `head` in the payload.
    package var body: ByteBuffer?

    /// A message whose whole payload is `head`.
    package init(_ head: ByteBuffer) {
        self.head = head
        self.body = nil
    }

    /// A message whose payload is `head` followed by `body`.
    package init(head: ByteBuffer, body: ByteBuffer) {
        self.head = head
        self.body = body
    }

    /// The payload length.
    package var byteCount: Int { head.readableBytes + (body?.readableBytes ?? 0) }
}
