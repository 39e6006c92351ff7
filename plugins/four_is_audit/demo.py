"""The demo's 4 I's audit: its evidence as the demo data stands, two lines confirmed by
both sponsors and one corrected, so the evidence and results pages have something to show."""
import datetime

from portal import write_transaction

from . import evidence
from .models import EvidenceLine, EvidenceReview

CORRECTION = ("The pilot cohort also met in person twice with both teams; the portal "
              "records only the online cohort.",
              "Workshops held on site are not recorded in the portal.")


def load_demo_evidence(run, partnership, people):
    """Gather the audit's evidence from the demo data (loaded after the run was opened)
    and review it; `people` maps e-mail addresses to UserInfo. Skipped once reviewed, so a
    restart keeps what visitors did."""
    if (EvidenceReview.select().join(EvidenceLine)
            .where(EvidenceLine.run_id == run.id).exists()):
        return []
    with write_transaction():
        EvidenceLine.delete().where(EvidenceLine.run_id == run.id).execute()
    evidence.store(run, partnership)
    lines = evidence.lines_of(run.id, partnership.id)
    if len(lines) < 4:
        return lines
    # Reviewed after the evidence was gathered (the demo gathers it as it loads).
    opened = lines[0].row.gathered_at
    peggy, sofia = people["peggy@client.example"], people["sofia@supplier.example"]
    integrity = [line.row for line in lines if line.row.i == "Integrity"]
    integration = [line.row for line in lines if line.row.i == "Integration"]
    with write_transaction():
        for day, line in enumerate(integrity[:2], 1):
            for user in (peggy, sofia):
                EvidenceReview.create(line=line.id, user_id=user.id, user_name=user.name,
                                      verdict="confirmed", at=opened + datetime.timedelta(minutes=10 * day))
        cohorts = next((line for line in integration if "cohort" in line.text), integration[0])
        EvidenceReview.create(line=cohorts.id, user_id=peggy.id, user_name=peggy.name,
                              verdict="corrected", text=CORRECTION[0], reason=CORRECTION[1],
                              at=opened + datetime.timedelta(minutes=30))
    return lines
