"""The audit trail of Article 21's authorization: who accessed what, when, why, with what result.

Records are appended, never changed: hash-chained per writer process, with signed
checkpoints over every chain's head, so `wangge audit verify` finds any alteration,
insertion, reordering or removal.
"""
