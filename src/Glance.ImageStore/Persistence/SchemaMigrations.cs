namespace Glance.ImageStore.Persistence;

/// <summary>
/// The store's schema, version by version, in each engine's SQL. A database records the versions
/// it has in <c>schema_version</c>; at start-up the store applies the missing ones in order, in
/// one transaction, under the engine's own exclusion (SQLite: <c>BEGIN IMMEDIATE</c>, the file's
/// write lock; PostgreSQL: a transaction-scoped advisory lock), so that two replicas starting
/// together apply each version once. A version once released is never edited: a change is a new
/// version appended here. Hand-written rather than DbUp: a dozen lines with no reflection, and the
/// lock is the one the issue asks for (DbUp takes none on PostgreSQL).
/// </summary>
internal static class SchemaMigrations
{
    /// <summary>One schema version: its number and its script for each engine.</summary>
    public sealed record Migration(int Version, string Sqlite, string PostgreSql);

    /// <summary>The schema version this code reads and writes.</summary>
    public static int Current => All[^1].Version;

    /// <summary>The key of PostgreSQL's advisory lock held while migrating ("glance-store" in ASCII, shortened).</summary>
    public const long AdvisoryLockKey = 0x676c616e63650001;

    public static readonly Migration[] All =
    [
        new(1,
            Sqlite: """
                CREATE TABLE images (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    name TEXT NULL,
                    status TEXT NOT NULL,
                    visibility TEXT NOT NULL,
                    owner TEXT NULL,
                    protected INTEGER NOT NULL DEFAULT 0,
                    os_hidden INTEGER NOT NULL DEFAULT 0,
                    disk_format TEXT NULL,
                    container_format TEXT NULL,
                    min_disk INTEGER NOT NULL DEFAULT 0,
                    min_ram INTEGER NOT NULL DEFAULT 0,
                    size INTEGER NULL,
                    virtual_size INTEGER NULL,
                    checksum TEXT NULL,
                    os_hash_algo TEXT NULL,
                    os_hash_value TEXT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    properties TEXT NOT NULL DEFAULT '{}',
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    deleted_at TEXT NULL
                );
                CREATE INDEX images_owner ON images (owner) WHERE deleted = 0;
                CREATE TABLE image_members (
                    image_id TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (image_id, member_id)
                ) WITHOUT ROWID;
                CREATE INDEX image_members_member ON image_members (member_id);
                """,

            // Text compares and sorts byte by byte (COLLATE "C"), as in SQLite, whatever the
            // database's locale: member listings and the upper-case conformance row depend on it.
            // Timestamps stay Glance's formatted text, so both engines answer the same bytes.
            PostgreSql: """
                CREATE TABLE images (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id text COLLATE "C" NOT NULL UNIQUE,
                    name text COLLATE "C" NULL,
                    status text COLLATE "C" NOT NULL,
                    visibility text COLLATE "C" NOT NULL,
                    owner text COLLATE "C" NULL,
                    protected boolean NOT NULL DEFAULT FALSE,
                    os_hidden boolean NOT NULL DEFAULT FALSE,
                    disk_format text COLLATE "C" NULL,
                    container_format text COLLATE "C" NULL,
                    min_disk bigint NOT NULL DEFAULT 0,
                    min_ram bigint NOT NULL DEFAULT 0,
                    size bigint NULL,
                    virtual_size bigint NULL,
                    checksum text COLLATE "C" NULL,
                    os_hash_algo text COLLATE "C" NULL,
                    os_hash_value text COLLATE "C" NULL,
                    tags text NOT NULL DEFAULT '[]',
                    properties text NOT NULL DEFAULT '{}',
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NOT NULL,
                    deleted boolean NOT NULL DEFAULT FALSE,
                    deleted_at text COLLATE "C" NULL
                );
                CREATE INDEX images_owner ON images (owner) WHERE NOT deleted;
                CREATE TABLE image_members (
                    image_id text COLLATE "C" NOT NULL,
                    member_id text COLLATE "C" NOT NULL,
                    status text COLLATE "C" NOT NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NOT NULL,
                    PRIMARY KEY (image_id, member_id)
                );
                CREATE INDEX image_members_member ON image_members (member_id);
                """),

        // Listing filters on tags and extra properties (GET /v2/images?tag=...&os_distro=...):
        // PostgreSQL tests containment on the columns cast to jsonb, which GIN indexes serve;
        // SQLite reads the JSON of the rows its other conditions keep (json_each) and needs none.
        new(2,
            Sqlite: """
                SELECT 1;
                """,
            PostgreSql: """
                CREATE INDEX images_tags ON images USING gin ((tags::jsonb)) WHERE NOT deleted;
                CREATE INDEX images_properties ON images USING gin ((properties::jsonb)) WHERE NOT deleted;
                """),

        // Metadata definitions (glance/db/sqlalchemy/models_metadef.py): timestamps as text with
        // microseconds ("2026-01-02 03:04:05.678901"), so that listings sort as Glance's do
        // while answers show seconds. metadef_loads records that the shipped definitions were
        // loaded (once, as glance-manage db_load_metadefs), so a namespace deleted later stays deleted.
        new(3,
            Sqlite: """
                CREATE TABLE metadef_namespaces (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    namespace TEXT NOT NULL UNIQUE,
                    display_name TEXT NULL,
                    description TEXT NULL,
                    visibility TEXT NULL,
                    protected INTEGER NULL,
                    owner TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NULL
                );
                CREATE TABLE metadef_resource_types (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    protected INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NULL
                );
                CREATE TABLE metadef_namespace_resource_types (
                    resource_type_id INTEGER NOT NULL REFERENCES metadef_resource_types (id),
                    namespace_id INTEGER NOT NULL REFERENCES metadef_namespaces (id),
                    properties_target TEXT NULL,
                    prefix TEXT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NULL,
                    PRIMARY KEY (resource_type_id, namespace_id)
                );
                CREATE INDEX metadef_ns_res_types_namespace ON metadef_namespace_resource_types (namespace_id);
                CREATE TABLE metadef_objects (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    namespace_id INTEGER NOT NULL REFERENCES metadef_namespaces (id),
                    name TEXT NOT NULL,
                    description TEXT NULL,
                    required TEXT NULL,
                    json_schema TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NULL,
                    UNIQUE (namespace_id, name)
                );
                CREATE TABLE metadef_properties (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    namespace_id INTEGER NOT NULL REFERENCES metadef_namespaces (id),
                    name TEXT NOT NULL,
                    json_schema TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NULL,
                    UNIQUE (namespace_id, name)
                );
                CREATE TABLE metadef_tags (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    namespace_id INTEGER NOT NULL REFERENCES metadef_namespaces (id),
                    name TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NULL,
                    UNIQUE (namespace_id, name)
                );
                CREATE TABLE metadef_loads (name TEXT PRIMARY KEY, loaded_at TEXT NOT NULL);
                """,
            PostgreSql: """
                CREATE TABLE metadef_namespaces (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    namespace text COLLATE "C" NOT NULL UNIQUE,
                    display_name text COLLATE "C" NULL,
                    description text COLLATE "C" NULL,
                    visibility text COLLATE "C" NULL,
                    protected boolean NULL,
                    owner text COLLATE "C" NOT NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NULL
                );
                CREATE TABLE metadef_resource_types (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name text COLLATE "C" NOT NULL UNIQUE,
                    protected boolean NOT NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NULL
                );
                CREATE TABLE metadef_namespace_resource_types (
                    resource_type_id bigint NOT NULL REFERENCES metadef_resource_types (id),
                    namespace_id bigint NOT NULL REFERENCES metadef_namespaces (id),
                    properties_target text COLLATE "C" NULL,
                    prefix text COLLATE "C" NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NULL,
                    PRIMARY KEY (resource_type_id, namespace_id)
                );
                CREATE INDEX metadef_ns_res_types_namespace ON metadef_namespace_resource_types (namespace_id);
                CREATE TABLE metadef_objects (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    namespace_id bigint NOT NULL REFERENCES metadef_namespaces (id),
                    name text COLLATE "C" NOT NULL,
                    description text COLLATE "C" NULL,
                    required text COLLATE "C" NULL,
                    json_schema text NOT NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NULL,
                    UNIQUE (namespace_id, name)
                );
                CREATE TABLE metadef_properties (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    namespace_id bigint NOT NULL REFERENCES metadef_namespaces (id),
                    name text COLLATE "C" NOT NULL,
                    json_schema text NOT NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NULL,
                    UNIQUE (namespace_id, name)
                );
                CREATE TABLE metadef_tags (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    namespace_id bigint NOT NULL REFERENCES metadef_namespaces (id),
                    name text COLLATE "C" NOT NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NULL,
                    UNIQUE (namespace_id, name)
                );
                CREATE TABLE metadef_loads (name text PRIMARY KEY, loaded_at text NOT NULL);
                """),

        // Version 4: the tasks image import creates (Glance's tasks and task_info, in one row).
        // Times are Python's isoformat with six digits (sortable text); the views format them.
        new(4,
            Sqlite: """
                CREATE TABLE tasks (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    owner TEXT NULL,
                    image_id TEXT NULL,
                    request_id TEXT NULL,
                    user_id TEXT NULL,
                    input TEXT NULL,
                    result TEXT NULL,
                    message TEXT NOT NULL DEFAULT '',
                    expires_at TEXT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX tasks_image ON tasks (image_id);
                """,
            PostgreSql: """
                CREATE TABLE tasks (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id text COLLATE "C" NOT NULL UNIQUE,
                    type text COLLATE "C" NOT NULL,
                    status text COLLATE "C" NOT NULL,
                    owner text COLLATE "C" NULL,
                    image_id text COLLATE "C" NULL,
                    request_id text COLLATE "C" NULL,
                    user_id text COLLATE "C" NULL,
                    input text NULL,
                    result text NULL,
                    message text NOT NULL DEFAULT '',
                    expires_at text COLLATE "C" NULL,
                    created_at text COLLATE "C" NOT NULL,
                    updated_at text COLLATE "C" NOT NULL
                );
                CREATE INDEX tasks_image ON tasks (image_id);
                """),

        // The image cache's bookkeeping (Cache/), the table of Glance's sqlite cache driver
        // (glance/image_cache/drivers/sqlite.py): times are Unix seconds as Python's time.time().
        // In the store's database rather than a cache.db of its own, so that replicas sharing the
        // data folder (and so the cache folder) share the bookkeeping too.
        new(5,
            Sqlite: """
                CREATE TABLE cached_images (
                    image_id TEXT PRIMARY KEY,
                    last_accessed REAL NOT NULL DEFAULT 0.0,
                    last_modified REAL NOT NULL DEFAULT 0.0,
                    size INTEGER NOT NULL DEFAULT 0,
                    hits INTEGER NOT NULL DEFAULT 0,
                    checksum TEXT NULL
                ) WITHOUT ROWID;
                CREATE INDEX cached_images_last_accessed ON cached_images (last_accessed);
                """,
            PostgreSql: """
                CREATE TABLE cached_images (
                    image_id text COLLATE "C" PRIMARY KEY,
                    last_accessed double precision NOT NULL DEFAULT 0.0,
                    last_modified double precision NOT NULL DEFAULT 0.0,
                    size bigint NOT NULL DEFAULT 0,
                    hits bigint NOT NULL DEFAULT 0,
                    checksum text COLLATE "C" NULL
                );
                CREATE INDEX cached_images_last_accessed ON cached_images (last_accessed);
                """),

        // Members in the order they were added, as Glance lists them (its query has no ORDER BY:
        // the table's insertion order); created_at has whole seconds only, so two members added in
        // one second could not be told apart by it. Rows already there keep their old order.
        new(6,
            Sqlite: """
                CREATE TABLE image_members_v6 (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    image_id TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (image_id, member_id)
                );
                INSERT INTO image_members_v6 (image_id, member_id, status, created_at, updated_at)
                    SELECT image_id, member_id, status, created_at, updated_at FROM image_members ORDER BY created_at, member_id;
                DROP TABLE image_members;
                ALTER TABLE image_members_v6 RENAME TO image_members;
                CREATE INDEX image_members_member ON image_members (member_id);
                """,
            PostgreSql: """
                ALTER TABLE image_members ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
                """),
    ];
}
