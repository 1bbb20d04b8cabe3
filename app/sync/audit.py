"""The audit log on an administrator's client (a mixin of ChamberSession): a page of it from the
server, and the CSV export streamed straight to a file. Both need the network: run them off the
GUI thread."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from app.domain import audit as rules
from app.errors import ChamberError, PermissionDeniedError
from app.i18n import N_

CHUNK = 64 * 1024


class ExportFileError(ChamberError):
    message = N_("Could not write %(path)s: %(reason)s")


def audit_params(*, since: datetime | str | None = None, until: datetime | str | None = None, username: str = "", action: str = "", text: str = "",
                 before_id: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """The query parameters of GET /audit (and its export) for these filters; empty ones left out."""
    def when(value: datetime | str | None) -> str | None:
        return value.isoformat() if isinstance(value, datetime) else value or None

    params = {"from": when(since), "to": when(until), "username": username.strip(), "action": action.strip(), "q": text.strip(),
              "before_id": before_id, "limit": limit}
    return {k: v for k, v in params.items() if v not in (None, "")}


class AuditCommands:
    """Needs from ChamberSession: api, role."""

    @property
    def can_read_audit(self) -> bool:
        return self.role in rules.READERS

    def _require_audit_reader(self) -> None:
        if not self.can_read_audit:
            raise PermissionDeniedError()

    def audit_log(self, **filters: Any) -> dict[str, Any]:
        """Network: one page of the log, newest first — {"entries", "next_before_id"} (None when
        nothing older matches). Filters: since, until, username, action (a prefix), text, before_id, limit."""
        self._require_audit_reader()
        return self.api.request("GET", "/audit", params=audit_params(**filters))

    def export_audit(self, target: str | Path, *, progress: Callable[[int], None] | None = None, **filters: Any) -> Path:
        """Network: the matching log as CSV, written to `target` as it arrives (a partial file is
        removed). `progress(bytes so far)`. A file that cannot be written: ExportFileError."""
        self._require_audit_reader()
        target = Path(target)
        partial = target.with_name(target.name + ".part")
        params = audit_params(**{k: v for k, v in filters.items() if k != "limit"})
        try:
            # The file first: one that cannot be written is told before the server records an export.
            with partial.open("wb") as out, self.api.stream("GET", "/audit/export", params={**params, "format": "csv"}) as response:
                written = 0
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
                    if progress is not None:
                        progress(written)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ExportFileError(path=str(target), reason=exc.strerror or str(exc)) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target
