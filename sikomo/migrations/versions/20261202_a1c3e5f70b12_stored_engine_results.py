"""stored engine results per report version

Revision ID: a1c3e5f70b12
Revises: 6d496b4d9713
Create Date: 2026-12-02 00:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a1c3e5f70b12'
down_revision = '6d496b4d9713'
branch_labels = None
depends_on = None


JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    # Derived data: empty after the upgrade, filled when the queue or a review page is opened
    # (or by `flask --app sikomo refresh-scores`).
    op.create_table(
        'report_score',
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('engine_version', sa.String(length=80), nullable=False),
        sa.Column('risk', sa.Integer(), nullable=False),
        sa.Column('waiting', sa.DateTime(timezone=True), nullable=True),
        sa.Column('flags', sa.String(length=100), nullable=False),
        sa.Column('rank_best', sa.Integer(), nullable=True),
        sa.Column('rank_worst', sa.Integer(), nullable=True),
        sa.Column('summary', JSON_TYPE, nullable=False),
        sa.Column('result', JSON_TYPE, nullable=True),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['report.id'],
                                name=op.f('fk_report_score_report_id_report'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_score')),
    )
    op.create_index('ix_report_score_queue', 'report_score',
                    ['report_id', 'engine_version', 'risk', 'waiting', 'rank_best', 'rank_worst',
                     'flags'], unique=False)
    op.create_index('ix_report_status_cooperative_id', 'report',
                    ['status', 'cooperative_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_report_status_cooperative_id', table_name='report')
    op.drop_index('ix_report_score_queue', table_name='report_score')
    op.drop_table('report_score')
