"""audit trail protected in the database (triggers refuse UPDATE, DELETE, TRUNCATE) and chained

Revision ID: c5e7a9b1d3f6
Revises: b4d6f8a0c2e5
Create Date: 2026-12-06 13:00:00

"""
from alembic import op
import sqlalchemy as sa

from sikomo import audit_guard


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f6'
down_revision = 'b4d6f8a0c2e5'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.String(length=64), nullable=True))
    op.create_table('audit_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chain', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    connection = op.get_bind()
    events = sa.table('audit_event', sa.column('id'), sa.column('chain'),
                      *(sa.column(c) for c in audit_guard.CONTENT if c not in ('before', 'after')),
                      sa.column('before', sa.JSON), sa.column('after', sa.JSON))
    head, last = audit_guard.GENESIS, 0
    while True:  # the rows written so far, chained in id order
        rows = connection.execute(sa.select(events).where(events.c.id > last)
                                  .order_by(events.c.id).limit(BATCH)).mappings().all()
        if not rows:
            break
        links = []
        for row in rows:
            head = audit_guard.link(head, dict(row))
            links.append({'row_id': row['id'], 'value': head})
        connection.execute(events.update().where(events.c.id == sa.bindparam('row_id'))
                           .values(chain=sa.bindparam('value')), links)
        last = rows[-1]['id']
    connection.execute(sa.table('audit_head', sa.column('id'), sa.column('chain')).insert()
                       .values(id=1, chain=head))
    statements = (audit_guard.POSTGRES_TRIGGERS if connection.dialect.name == 'postgresql'
                  else audit_guard.SQLITE_TRIGGERS)
    for statement in statements:
        op.execute(statement)


def downgrade():
    connection = op.get_bind()
    statements = (audit_guard.POSTGRES_DROP if connection.dialect.name == 'postgresql'
                  else audit_guard.SQLITE_DROP)
    for statement in statements:
        op.execute(statement)
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('chain')
