"""four-eyes on decisions (who confirmed, when), the signer's NIP and jabatan, the Dinas logo

Revision ID: e1a3c5d7f9b2
Revises: d0f2b4c6e8a1
Create Date: 2026-12-05 09:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1a3c5d7f9b2'
down_revision = 'd0f2b4c6e8a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_assessment_confirmed_by_id_user'), 'user', ['confirmed_by_id'], ['id']
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nip', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('jabatan', sa.String(length=200), nullable=True))
    op.create_table(
        'office_logo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('png', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_office_logo')),
    )


def downgrade():
    op.drop_table('office_logo')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('jabatan')
        batch_op.drop_column('nip')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assessment_confirmed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
