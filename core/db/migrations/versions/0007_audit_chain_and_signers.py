"""audit chain (seq, prev_hash, hash; anchors; append-only triggers) and package signers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

Audit entries become one hash chain per origin (``core.security.audit_chain``): existing
entries are chained in the order they were written (``at``, then ``id``), each chain's
head is anchored with the HMAC key of the data dir's key store, and triggers refuse
UPDATE and DELETE (TRUNCATE too on PostgreSQL). ``signer`` holds the public keys whose
sync packages this database accepts; ``audit_remote_head`` the chain heads other devices
reported in their signed packages.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE = "audit_entry ist unveränderlich: Einträge werden nur angefügt"

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
    "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSE}'; END $$",
    "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
)


def _backfill(conn: sa.Connection) -> None:
    """Chain the entries written before this migration and anchor each chain."""
    from core.db.base import utcnow
    from core.security.audit_chain import GENESIS, anchor_mac, entry_hash

    entry = sa.table("audit_entry", *(sa.column(n) for n in (
        "id", "at", "user", "origin", "action", "entity", "entity_id")),
        sa.column("before", sa.JSON), sa.column("after", sa.JSON), sa.column("seq"),
        sa.column("prev_hash"), sa.column("hash"))
    anchor = sa.table("audit_anchor", sa.column("origin"), sa.column("seq"),
                      sa.column("hash"), sa.column("broken"), sa.column("mac"),
                      sa.column("updated_at"))
    rows = conn.execute(sa.select(entry.c.id, entry.c.at, entry.c.user, entry.c.origin,
                                  entry.c.action, entry.c.entity, entry.c.entity_id,
                                  entry.c.before, entry.c.after)
                        .order_by(entry.c.origin, entry.c.at, entry.c.id)).mappings().all()
    if not rows:
        return
    heads: dict[str, tuple[int, str]] = {}
    changes = []
    for row in rows:
        values = dict(row)
        values["origin"] = values["origin"] or ""
        seq, prev = heads.get(values["origin"], (0, GENESIS))
        seq += 1
        digest = entry_hash(values, seq, prev)
        heads[values["origin"]] = (seq, digest)
        changes.append({"b_id": values["id"], "seq": seq, "prev_hash": prev, "hash": digest})
    conn.execute(sa.update(entry).where(entry.c.id == sa.bindparam("b_id"))
                 .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"),
                         hash=sa.bindparam("hash")), changes)
    now = utcnow()
    conn.execute(sa.insert(anchor), [
        {"origin": origin, "seq": seq, "hash": digest, "broken": "",
         "mac": anchor_mac(origin, seq, digest, ""), "updated_at": now}
        for origin, (seq, digest) in heads.items()])


def upgrade() -> None:
    op.create_table(
        "audit_anchor",
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("broken", sa.Text(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_audit_anchor")))
    op.create_table(
        "audit_remote_head",
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("to_version", sa.BigInteger(), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_audit_remote_head")))
    op.create_table(
        "signer",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signer")))
    with op.batch_alter_table("audit_entry", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_audit_entry_origin_seq", ["origin", "seq"])
    for sql in (POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql"
                else SQLITE_TRIGGERS):
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_entry_origin_seq", type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("signer")
    op.drop_table("audit_remote_head")
    op.drop_table("audit_anchor")
