"""Backup and restore of the whole office: the database and the attachment files, together.

    flask --app sikomo backup DIR       # writes DIR/sikomo-<time>/ and prints its path
    flask --app sikomo restore PATH     # PATH: such a folder; replaces the database and files

SQLite is copied with its online backup API (consistent while the app runs); PostgreSQL with
pg_dump -Fc and put back with pg_restore --clean. The attachments go into a tar archive. A
manifest records the migration revision, every table's row count and each file's SHA-256;
restore checks the files against it before touching anything, and refuses a backup made at
another revision (migrate the restored copy instead).
"""
