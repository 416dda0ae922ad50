import TocsinSystem
import TocsinStore
import TocsinClient

/// One client of the events socket: bytes read and not yet framed, replies not yet written,
/// and who it is (SO_PEERCRED).
final class Connection {
    let id: UInt64
    let fd: Int32
    let uid: UInt32
    let pid: Int32
    var input: [UInt8] = []
    var inputStart = 0
    var output: [UInt8] = []
    var outputStart = 0
    /// Skipping the rest of an over-long line.
    var discarding = false
    /// Lines handed out and not yet answered.
    var awaitingReplies = 0
    var peerClosed = false
    var readingPaused = false
    var wantsWrite = false
    /// Waiting in the server's backlog for a turn (complete lines left over from a round).
    var inBacklog = false
    var lastActivity: Int64

    init(id: UInt64, fd: Int32, uid: UInt32, pid: Int32, now: Int64) {
        self.id = id
        self.fd = fd
        self.uid = uid
        self.pid = pid
        self.lastActivity = now
    }

    var pendingOutput: Int { output.count - outputStart }
    var bufferedInput: Int { input.count - inputStart }
}
