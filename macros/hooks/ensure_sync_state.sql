{#-
    The reverse-ETL sync state lives in the warehouse: which properties of which email were last exported, and
    when. `segments export` writes it after a file is fully written; the change-feed view reads it. Created empty
    at the start of a run if missing, so a first build works before any export.
-#}
{% macro ensure_sync_state() %}
    {% if execute %}
        {#- Spark has no database level: target.get gives none there, and the relation is schema.table -#}
        {% set sync_state = api.Relation.create(
            database=target.get('database'), schema=var('reverse_etl_schema'), identifier='sync_state') %}
        {% do adapter.create_schema(sync_state.without_identifier()) %}
        create table if not exists {{ sync_state }} (
            email {{ dbt.type_string() }} not null,
            properties_hash {{ dbt.type_string() }} not null,
            synced_at {{ dbt.type_timestamp() }} not null,
            export_file {{ dbt.type_string() }}
        )
    {% else %}
        select 1
    {% endif %}
{% endmacro %}
