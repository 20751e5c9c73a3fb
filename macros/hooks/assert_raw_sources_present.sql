{#-
    Run at the start of every dbt command (on-run-start). Checks that every declared raw source table exists
    and has every column its YAML declares, and stops the run with one message naming what is missing,
    instead of a database error deep inside a model. Columns marked `meta: {optional: true}` may be absent;
    sources marked `meta: {created_by_project: true}` (state the project writes itself) are not checked, nor are the
    contract tables declared absent (var absent_raw_tables). Only the sources of the chosen adapters are enabled
    (docs/adapters.md), so only those are checked.
    The loaders' own columns (_loaded_at, received_at, uuid_ts: what staging orders and screens by) must be typed
    timestamps or text (parsed by staging: loader_timestamp in macros/cross_db/try_parse_timestamp.sql): any other type (a
    number, a date) would otherwise fail deep in a model with a bare conversion error.
    Skip with --vars '{check_raw_sources: false}'.
-#}
{% macro assert_raw_sources_present() %}
    {% if execute and var('check_raw_sources', true) and flags.WHICH in ['build', 'run', 'test', 'compile', 'show'] %}
        {% set problems = [] %}
        {% for node in graph.sources.values()
            if node.package_name == project_name and not (node.source_meta or {}).get('created_by_project', false)
                and not (node.source_name in ['crm', 'product', 'surveys', 'compliance'] and raw_table_is_absent(node.name)) %}
            {% set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.identifier) %}
            {% if relation is none %}
                {% do problems.append("missing table " ~ node.schema ~ "." ~ node.identifier ~ " (source '" ~ node.source_name ~ "." ~ node.name ~ "')"
                    ~ (", or declare it absent (var absent_raw_tables)" if node.source_name in ['crm', 'product', 'surveys'] and node.name not in required_raw_tables() else "")) %}
            {% else %}
                {% set actual = adapter.get_columns_in_relation(relation) %}
                {% set present = actual | map(attribute='name') | map('lower') | list %}
                {% for column in actual if column.name | lower in ['_loaded_at', 'received_at', 'uuid_ts']
                    and 'timestamp' not in column.dtype | lower and not column.is_string() %}
                    {% do problems.append("column " ~ node.schema ~ "." ~ node.identifier ~ "." ~ column.name ~ " is "
                        ~ column.dtype ~ ", not a timestamp or text: the loader's time (docs/raw_contract.md)") %}
                {% endfor %}
                {% set missing = [] %}
                {% for column in node.columns.values() %}
                    {% if column.name | lower not in present and not (column.meta or {}).get('optional', false) %}
                        {% do missing.append(column.name) %}
                    {% endif %}
                {% endfor %}
                {% if missing %}
                    {% do problems.append("table " ~ node.schema ~ "." ~ node.identifier ~ " lacks column(s): " ~ missing | join(', ')) %}
                {% endif %}
            {% endif %}
        {% endfor %}
        {% if problems %}
            {{ exceptions.raise_compiler_error(
                "Raw data does not match the project's sources (docs/raw_contract.md):\n  - "
                ~ problems | join("\n  - ")
                ~ "\nGenerate demo data with `segments generate`, load your files with `segments load --from DIR`, "
                ~ "or point the sources at your schemas with the *_schema / *_database vars."
            ) }}
        {% endif %}
    {% endif %}
    select 1
{% endmacro %}
