"""Exchange bookkeeping: imported packages, merge bases, conflict log, duplicate doses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:44:21.818911

Only new tables, no change to existing ones, so the upgrade is safe on a field laptop's
SQLite file and on the Impfzentrum's PostgreSQL alike (checked by the exchange tests).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conflict_entry',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('winner', sa.String(length=10), nullable=False),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('local', sa.JSON(), nullable=True),
    sa.Column('incoming', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_entry'))
    )
    with op.batch_alter_table('conflict_entry', schema=None) as batch_op:
        batch_op.create_index('ix_conflict_entry_at', ['at'], unique=False)
        batch_op.create_index('ix_conflict_entry_entity_id', ['entity_id'], unique=False)

    op.create_table('imported_package',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('data_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=100), nullable=False),
    sa.Column('team_id', sa.String(length=50), nullable=False),
    sa.Column('device_id', sa.String(length=50), nullable=False),
    sa.Column('from_version', sa.BigInteger(), nullable=False),
    sa.Column('to_version', sa.BigInteger(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_package')),
    sa.UniqueConstraint('data_sha256', name=op.f('uq_imported_package_data_sha256'))
    )
    with op.batch_alter_table('imported_package', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_package_package_id'), ['package_id'], unique=False)

    op.create_table('sync_base',
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('base_hash', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'entity_id', name=op.f('pk_sync_base'))
    )
    op.create_table('duplicate_dose_flag',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=100), nullable=False),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('vaccination_id', sa.String(length=36), nullable=False),
    sa.Column('other_vaccination_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('other_person_id', sa.String(length=36), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('product_key', sa.String(length=50), nullable=False),
    sa.Column('origin', sa.String(length=100), nullable=False),
    sa.Column('other_origin', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dose_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['other_vaccination_id'], ['vaccination.id'], name=op.f('fk_duplicate_dose_flag_other_vaccination_id_vaccination')),
    sa.ForeignKeyConstraint(['vaccination_id'], ['vaccination.id'], name=op.f('fk_duplicate_dose_flag_vaccination_id_vaccination')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_dose_flag')),
    sa.UniqueConstraint('vaccination_id', 'other_vaccination_id', name='uq_duplicate_dose_pair')
    )
    with op.batch_alter_table('duplicate_dose_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_dose_flag_other_vaccination_id'), ['other_vaccination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_dose_flag_vaccination_id'), ['vaccination_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('duplicate_dose_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_dose_flag_vaccination_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_dose_flag_other_vaccination_id'))

    op.drop_table('duplicate_dose_flag')
    op.drop_table('sync_base')
    with op.batch_alter_table('imported_package', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_package_package_id'))

    op.drop_table('imported_package')
    with op.batch_alter_table('conflict_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_conflict_entry_entity_id')
        batch_op.drop_index('ix_conflict_entry_at')

    op.drop_table('conflict_entry')
