"""The ledger (台账): exports, statistics, assessment and commendation, the weekly digest, and staff's view of
their area's open work — each for the area a person answers for."""
