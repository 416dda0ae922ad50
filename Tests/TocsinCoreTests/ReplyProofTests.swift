import Foundation
import Testing
import TocsinCore

/// The proofs a reply must carry (SPEC §17): SHA-256/HMAC checked against published vectors
/// and Python's `hmac`; signed Message-IDs and reply codes that a forger cannot make.
@Suite("Reply proofs")
struct ReplyProofTests {
    static let key = Array("0123456789abcdef0123456789abcdef".utf8)
    static let proof = ReplyProof(key: key, idPrefix: "tocsin.abc123")

    @Test("SHA-256 of the FIPS 180-2 examples, HMAC-SHA256 of RFC 4231 test cases 1, 2 and 6")
    func vectors() {
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("HMAC-SHA256 agrees with Python's hmac on 60 random keys and messages (lengths 0 to 300)")
    func againstPython() throws {
        var generator = SystemRandomNumberGenerator()
        var cases: [(key: [UInt8], message: [UInt8])] = []
        for i in 0..<60 {
            let keyLength = [0, 1, 16, 32, 63, 64, 65, 200][i % 8]
            let messageLength = Int.random(in: 0...300, using: &generator)
            cases.append(((0..<keyLength).map { _ in UInt8.random(in: 0...255) }, (0..<messageLength).map { _ in UInt8.random(in: 0...255) }))
        }
        let input = cases.map { SHA256.hex($0.key) + " " + SHA256.hex($0.message) }.joined(separator: "\n")
        let script = """
            import sys, hmac, hashlib
            for line in sys.stdin.read().split("\\n"):
                k, m = (line.split(" ") + [""])[:2]
                print(hmac.new(bytes.fromhex(k), bytes.fromhex(m), hashlib.sha256).hexdigest())
            """
        let python = String(decoding: try PythonScript.run(script, input: Data(input.utf8)), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(python.count == cases.count)
        for (index, item) in cases.enumerated() where index < python.count {
            #expect(SHA256.hex(SHA256.hmac(key: item.key, message: item.message)) == python[index], "case \(index)")
        }
    }

    @Test("a signed Message-ID verifies; an altered token, another incident's token, another key or store do not")
    func messageIDs() throws {
        let original = "tocsin.abc123.42.fault-major.s1.centre-manager@branch"
        let signed = Self.proof.signed(original)
        #expect(signed.hasPrefix("tocsin.abc123.42.fault-major.s1.centre-manager.k"))
        #expect(signed.hasSuffix("@branch"))
        let verified = try #require(Self.proof.verify(signed))
        #expect(verified.incident == IncidentNumber(42))
        #expect(verified.original == original)

        // One hex digit changed.
        var altered = Array(signed)
        let at = altered.firstIndex(of: "@")!
        altered[at - 1] = altered[at - 1] == "0" ? "1" : "0"
        #expect(Self.proof.verify(String(altered)) == nil)
        // Another incident's token on this incident's id: a guessed number is not enough.
        let other = Self.proof.signed("tocsin.abc123.43.fault-major.s1.centre-manager@branch")
        let token = other[other.range(of: ".k")!.lowerBound..<other.firstIndex(of: "@")!]
        #expect(Self.proof.verify("tocsin.abc123.42.fault-major.s1.centre-manager" + token + "@branch") == nil)
        // The unsigned id, another key, another store's prefix.
        #expect(Self.proof.verify(original) == nil)
        #expect(ReplyProof(key: Array("another key, also 32 bytes long!".utf8), idPrefix: "tocsin.abc123").verify(signed) == nil)
        #expect(ReplyProof(key: Self.key, idPrefix: "tocsin.zzz999").verify(signed) == nil)
        // Digests and reports are about no single incident: never signed.
        let digest = "tocsin.abc123.digest.fault-major.centre-manager.1764800000000@branch"
        #expect(Self.proof.signed(digest) == digest)
    }

    @Test("the contact of a verified id is the longest contact name ending it (names may hold dots)")
    func contactOfID() {
        let names: [ContactName] = ["lead", "shift.lead", "boss"]
        #expect(ReplyProof.contact(of: "tocsin.t.4.r.s1.shift.lead@h", among: names) == "shift.lead")
        #expect(ReplyProof.contact(of: "tocsin.t.4.r.s1.lead@h", among: names) == "lead")
        #expect(ReplyProof.contact(of: "tocsin.t.4.recovered.boss@h", among: names) == "boss")
        #expect(ReplyProof.contact(of: "tocsin.t.4.r.s1.nobody@h", among: names) == nil)
    }

    @Test("a reply code is bound to its incident and contact, read in any case, found anywhere in the text")
    func codes() throws {
        let code = Self.proof.code(incident: IncidentNumber(42), contact: "duty-sms")
        #expect(code.hasPrefix("42-"))
        #expect(code.count == 11)
        #expect(Self.proof.verify(code: code, contact: "duty-sms") == IncidentNumber(42))
        #expect(Self.proof.verify(code: code.lowercased(), contact: "duty-sms") == IncidentNumber(42))
        #expect(Self.proof.verify(code: code, contact: "other-sms") == nil)
        #expect(Self.proof.verify(code: "43" + code.dropFirst(2), contact: "duty-sms") == nil)
        #expect(Self.proof.verify(code: "42-AAAAAAAA", contact: "duty-sms") == nil || code == "42-AAAAAAAA")
        let found = try #require(ReplyProof.findCode(in: "已恢复 更换网线 \(code)"))
        #expect(found.code == code)
        #expect(found.rest == "已恢复 更换网线")
        #expect(ReplyProof.findCode(in: "确认 2026-12-04") == nil)
    }
}
