import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension UnixSocket {
  /// Sends `bytes` with `descriptor` attached (`SCM_RIGHTS`), so that the peer receives its own copy of the open file.
  ///
  /// QMP's `getfd` takes the descriptor that arrived with the command's own bytes, which is how qlearn hands QEMU a
  /// checkpoint file: QEMU runs under `-sandbox ...,spawn=deny` and never opens a path qlearn names. The whole message
  /// goes in one `sendmsg` (a QMP command is far smaller than a socket buffer); a short or blocked send throws.
  public func sendPassing(_ bytes: [UInt8], descriptor: Int32, until deadline: ContinuousClock.Instant) throws(UnixSocketError) {
    // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } followed by the descriptor, padded to size_t:
    // CMSG_LEN(sizeof(int)) and CMSG_SPACE(sizeof(int)), which Swift does not import (they are C macros).
    let header = MemoryLayout<Int>.size + 2 * MemoryLayout<Int32>.size
    let length = header + MemoryLayout<Int32>.size
    let align = MemoryLayout<Int>.size
    let space = (length + align - 1) / align * align
    var control = [UInt8](repeating: 0, count: space)
    control.withUnsafeMutableBytes { raw in
      raw.storeBytes(of: length, toByteOffset: 0, as: Int.self)
      raw.storeBytes(of: SOL_SOCKET, toByteOffset: MemoryLayout<Int>.size, as: Int32.self)
      raw.storeBytes(of: Int32(SCM_RIGHTS), toByteOffset: MemoryLayout<Int>.size + 4, as: Int32.self)
      raw.storeBytes(of: descriptor, toByteOffset: header, as: Int32.self)
    }
    while true {
      guard try Self.poll(fileDescriptor, events: Int16(POLLOUT), until: deadline, path: path) else {
        throw .timedOut(path: path, operation: "send with a descriptor")
      }
      let sent = Self.sendMessage(fileDescriptor, bytes, control: &control)
      if sent == bytes.count { return }
      let cause = errno
      if sent < 0, cause == EAGAIN || cause == EWOULDBLOCK { continue }
      if sent < 0, [EPIPE, ECONNRESET, ENOTCONN].contains(cause) { throw .closedByPeer(path: path) }
      throw .system(path: path, SystemError(call: "sendmsg", subject: path, errno: sent < 0 ? cause : EMSGSIZE))
    }
  }

  private static func sendMessage(_ fd: Int32, _ bytes: [UInt8], control: inout [UInt8]) -> Int {
    var data = bytes
    return data.withUnsafeMutableBytes { payload in
      control.withUnsafeMutableBytes { controlBytes in
        var vector = iovec(iov_base: payload.baseAddress, iov_len: payload.count)
        return withUnsafeMutablePointer(to: &vector) { vectorPointer in
          var message = msghdr()
          message.msg_iov = vectorPointer
          message.msg_iovlen = 1
          message.msg_control = controlBytes.baseAddress
          message.msg_controllen = controlBytes.count
          return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
        }
      }
    }
  }
}
