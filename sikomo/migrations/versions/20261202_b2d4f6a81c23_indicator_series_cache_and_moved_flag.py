"""indicator series cache and moved flag

Revision ID: b2d4f6a81c23
Revises: a1c3e5f70b12
Create Date: 2026-12-02 00:50:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d4f6a81c23'
down_revision = 'a1c3e5f70b12'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_moved',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('aktif_window', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_indicator_moved_cooperative_id_cooperative'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'aktif_window', 'cooperative_id', name=op.f('pk_indicator_moved'))
    )
    op.create_table('indicator_series',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('computed_generation', sa.Integer(), nullable=True),
    sa.Column('aktif_window', sa.Integer(), nullable=True),
    sa.Column('berkualitas_criterion', sa.String(length=32), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('binaan', sa.Integer(), nullable=True),
    sa.Column('aktif', sa.Integer(), nullable=True),
    sa.Column('berkualitas', sa.Integer(), nullable=True),
    sa.Column('ksp_usp', sa.Integer(), nullable=True),
    sa.Column('sehat', sa.Integer(), nullable=True),
    sa.Column('dinilai', sa.Integer(), nullable=True),
    sa.Column('sehat_berkualitas', sa.Integer(), nullable=True),
    sa.Column('koperasi_baru', sa.Integer(), nullable=True),
    sa.Column('volume_usaha', sa.BigInteger(), nullable=True),
    sa.Column('volume_usaha_lalu', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_indicator_series'))
    )
    fill_moved_flags()


# --- A frozen copy of sikomo/indicators/moved.py as it was at this revision, in SQL: later
# changes to the app must not change what upgrading an older database does. ------------------
report = sa.table(
    "report", sa.column("cooperative_id", sa.Integer), sa.column("tahun_buku", sa.Integer),
    sa.column("version", sa.Integer), sa.column("status", sa.String),
    sa.column("imported", sa.Boolean), sa.column("tanggal_rat", sa.Date),
    sa.column("counted_latest", sa.Boolean),
)  # fmt: skip
moved = sa.table(
    "indicator_moved", sa.column("year", sa.Integer), sa.column("aktif_window", sa.Integer),
    sa.column("cooperative_id", sa.Integer),
)  # fmt: skip
MAX_WINDOW = 5


def counted(table):
    return sa.or_(table.c.status.in_(("diajukan", "disetujui")), table.c.imported.is_(True))


def fill_moved_flags():
    """Flag the cooperatives an older report version of which counts, for every window 1-5."""
    bind = op.get_bind()
    first, last = bind.execute(sa.select(sa.func.min(report.c.tanggal_rat),
                                         sa.func.max(report.c.tanggal_rat))).one()  # fmt: skip
    if first is None:
        return
    first, last = (int(str(d)[:4]) for d in (first, last))
    for year in range(first, last + MAX_WINDOW):
        for window in range(1, MAX_WINDOW + 1):
            query = moved_query(year, window)
            bind.execute(moved.insert().from_select(["year", "aktif_window", "cooperative_id"], query))


def moved_query(year, window):
    looked_at = (date(min(year - window + 1, year - 1), 1, 1), date(year, 12, 31))
    newer = report.alias("newer")
    newer_counts = sa.exists().where(
        newer.c.cooperative_id == report.c.cooperative_id,
        newer.c.tahun_buku == report.c.tahun_buku,
        newer.c.version > report.c.version,
        counted(newer),
        newer.c.tanggal_rat.between(*looked_at),
    )
    return (
        sa.select(sa.literal(year), sa.literal(window), report.c.cooperative_id)
        .where(report.c.counted_latest.is_(False), report.c.tanggal_rat.between(*looked_at),
               counted(report), ~newer_counts)
        .distinct()
    )  # fmt: skip


def downgrade():
    op.drop_table('indicator_series')
    op.drop_table('indicator_moved')
