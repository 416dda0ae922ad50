import TocsinSystem
import TocsinStore
import TocsinClient

#if canImport(Glibc)
    import Glibc
#endif

/// What a failed connection to tocsind's socket means for the operator, in one message.
enum SocketTrouble {
    /// The group whose members may use the socket (the unit's `SocketGroup=`).
    static let group = "tocsin"

    /// The connection error, with what to do about it.
    static func explain(_ error: SystemError, socket: String) -> String {
        switch error.code {
        case EACCES, EPERM:
            return "permission denied on \(socket): are you in group \(group)? ('sudo usermod -aG \(group) $USER', then log in again)"
        default:
            return "\(error)\n  Is tocsind running? ('systemctl status tocsind'; or give --socket PATH / set TOCSIN_SOCKET.)\n  'tocsinctl submit --spool' queues an event for when it starts."
        }
    }
}
