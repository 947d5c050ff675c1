"""stored engine rows: the queue's narrow columns (with the report's status, tahun buku, kecamatan
and jenis) apart from the wide results

Revision ID: f6b8d0e2a467
Revises: e5a7c9d1f356
Create Date: 2026-12-03 04:50:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'f6b8d0e2a467'
down_revision = 'e5a7c9d1f356'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
STATUS = sa.Enum('draf', 'diajukan', 'dikembalikan', 'disetujui', name='reportstatus', native_enum=False, length=32)
JENIS = sa.Enum('ksp', 'usp', 'konsumen', 'produsen', 'jasa', 'pemasaran', 'serba_usaha', 'kdkmp', name='jenis', native_enum=False, length=32)
FILTERED = ['engine_version', 'region_id', 'jenis', 'tahun_buku', 'rank_best', 'rank_worst', 'flags']
ORDER = [sa.literal_column('risk DESC'), 'waiting', 'report_id']


def upgrade():
    op.create_table('report_result',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('summary', JSON, nullable=False),
    sa.Column('result', JSON, nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_result_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_result'))
    )
    op.execute("INSERT INTO report_result (report_id, summary, result) SELECT report_id, summary, result FROM report_score")
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_score_queue'))
        batch_op.drop_column('result')
        batch_op.drop_column('summary')
        batch_op.add_column(sa.Column('status', STATUS, nullable=True))
        batch_op.add_column(sa.Column('tahun_buku', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('jenis', JENIS, nullable=True))
    # Copied from the report and its cooperative, as scores.py writes them.
    op.execute("""
        UPDATE report_score SET
          status = (SELECT report.status FROM report WHERE report.id = report_score.report_id),
          tahun_buku = (SELECT report.tahun_buku FROM report WHERE report.id = report_score.report_id),
          region_id = (SELECT cooperative.region_id FROM report JOIN cooperative ON cooperative.id = report.cooperative_id
                       WHERE report.id = report_score.report_id),
          jenis = (SELECT cooperative.jenis FROM report JOIN cooperative ON cooperative.id = report.cooperative_id
                   WHERE report.id = report_score.report_id)
    """)
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        for name, kind in (('status', STATUS), ('tahun_buku', sa.Integer()), ('region_id', sa.Integer()), ('jenis', JENIS)):
            batch_op.alter_column(name, existing_type=kind, nullable=False)
    # Outside the batch: a sort order is not a column the batch's copy of the table could find.
    op.create_index('ix_report_score_status_order', 'report_score', ['status', *ORDER, *FILTERED], unique=False)
    op.create_index('ix_report_score_order', 'report_score', [*ORDER, 'status', *FILTERED], unique=False)


def downgrade():
    op.drop_index('ix_report_score_order', table_name='report_score')
    op.drop_index('ix_report_score_status_order', table_name='report_score')
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.drop_column('jenis')
        batch_op.drop_column('region_id')
        batch_op.drop_column('tahun_buku')
        batch_op.drop_column('status')
        batch_op.add_column(sa.Column('summary', JSON, nullable=True))
        batch_op.add_column(sa.Column('result', JSON, nullable=True))
    op.execute("""
        UPDATE report_score SET
          summary = (SELECT summary FROM report_result WHERE report_result.report_id = report_score.report_id),
          result = (SELECT result FROM report_result WHERE report_result.report_id = report_score.report_id)
    """)
    op.execute("DELETE FROM report_score WHERE summary IS NULL")
    with op.batch_alter_table('report_score', schema=None) as batch_op:
        batch_op.alter_column('summary', existing_type=JSON, nullable=False)
        batch_op.create_index(batch_op.f('ix_report_score_queue'), ['report_id', 'engine_version', 'risk', 'waiting', 'rank_best', 'rank_worst', 'flags'], unique=False)
    op.drop_table('report_result')
