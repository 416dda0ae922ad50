import TocsinCore
import TocsinStore

/// The round pipeline's state, as the loop, reload, status and retention read and change it.
extension Daemon {
    var engine: EscalationEngine {
        get { pipeline.engine }
        set { pipeline.engine = newValue }
    }
    var rules: RuleSet {
        get { pipeline.rules }
        set { pipeline.rules = newValue }
    }
    var batch: StoreBatch {
        get { pipeline.batch }
        set { pipeline.batch = newValue }
    }
    var journalBudget: JournalBudget {
        get { pipeline.journalBudget }
        set { pipeline.journalBudget = newValue }
    }
    var metrics: Metrics {
        get { pipeline.metrics }
        set { pipeline.metrics = newValue }
    }
    var failedCount: Int {
        get { pipeline.failedCount }
        set { pipeline.failedCount = newValue }
    }
    var ackedCount: Int {
        get { pipeline.ackedCount }
        set { pipeline.ackedCount = newValue }
    }
    var storedRulesFingerprint: String? {
        get { pipeline.storedRulesFingerprint }
        set { pipeline.storedRulesFingerprint = newValue }
    }
    var replyProof: ReplyProof { pipeline.replyProof }
}
