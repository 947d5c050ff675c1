"""Four-eyes on decisions that change the engine's result (setting `empat_mata`, on by default).

*Setujui dengan penyesuaian*, and *Setujui* of a result the pengawas changed by corrections or
*tidak berlaku* confirmations, are held as a PENDING assessment: the report stays diajukan and
frozen ("menunggu persetujuan kedua") until a second user — another pengawas, or the Dinas —
confirms it (it is numbered then; the certificate and the audit trail name both) or refuses it
with a note. Its author may withdraw it; nobody confirms their own decision.

`rules` says when it applies (sikomo.review.operations.decide holds such a decision),
`operations` settles a held one, `views` registers its blueprint with the app factory.
"""
