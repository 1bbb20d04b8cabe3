"""ServerContext: what one running server holds (settings, database, identity, certificate)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.config import ServerSettings
from app.net.tls import ServerCertificate, ensure_certificate
from app.storage.db import Database
from app.storage.models import ServerInfo


@dataclass
class ServerContext:
    settings: ServerSettings
    db: Database
    server_id: str
    name: str
    certificate: ServerCertificate

    @classmethod
    def open(cls, settings: ServerSettings, *, migrate: bool = True) -> "ServerContext":
        """Open (and on first start create) the chamber's database, identity and certificate."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.database_url)
        if migrate:
            db.upgrade()
        with db.write() as session:
            info = session.scalar(select(ServerInfo))
            if info is None:
                info = ServerInfo(id=1, name=settings.display_name)
                session.add(info)
                session.flush()
            elif settings.name and info.name != settings.name:
                info.name = settings.name
            server_id, name = info.server_id, info.name
        cert = ensure_certificate(settings.data_dir)
        from app.services.invitations import MailPolicy

        # Invitations are signed with the office's name, e-mailed or not.
        if settings.smtp is not None:
            db.session_info["mail_policy"] = MailPolicy(enabled=True, sender=settings.smtp.sender_name or name, organizer_email=settings.smtp.sender)
        else:
            db.session_info["mail_policy"] = MailPolicy(enabled=False, sender=name)
        return cls(settings=settings, db=db, server_id=server_id, name=name, certificate=cert)
