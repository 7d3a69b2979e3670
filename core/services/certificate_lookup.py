"""Find the holder of a scanned certificate among registered persons.

Check-in only needs name and birth date, so the code is decoded without a trust list;
the scan page (verify with trust list) decides about validity.
"""

from __future__ import annotations

from datetime import date

from core.certificates.holder import prefill
from core.certificates.verify import verify_hc1
from core.errors import UserError


def holder_query(text: str) -> tuple[str, date | None]:
    """``("Family, Given", birth date)`` from an HC1 text; German error if unreadable."""
    result = verify_hc1(text, None)
    if not result.decoded or not result.payload:
        reason = "; ".join(result.errors) or "unlesbar"
        raise UserError(f"Zertifikat nicht lesbar ({reason}). Bitte erneut scannen.")
    holder = prefill(result.payload)
    if not holder.family_name:
        raise UserError("Im Zertifikat fehlt der Name. Bitte Person von Hand suchen.")
    return f"{holder.family_name}, {holder.given_name}", holder.birth_date
