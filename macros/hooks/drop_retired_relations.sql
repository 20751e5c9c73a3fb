{#-
    Tables of models this project no longer has. dbt never drops a removed model's relation, and a forgotten copy
    of per-contact data would escape erasure (no model deletes an erased person from it any more), so every run
    drops them. The first on-run-start hook: its SQL is run and committed before any other hook opens a
    transaction (dbt-duckdb rolls back the transaction the later hooks run in). Nothing is looked up, so it opens
    none itself. Add a model here when you remove it: (schema, name).
      - intermediate.int_contacts__sessions: sessions are counted in int_contacts__daily_activity since 2026-11.
-#}
{% macro drop_retired_relations() %}
    {%- set retired = [('intermediate', 'int_contacts__sessions')] -%}
    {%- set drops = [] -%}
    {%- for schema_name, identifier in retired -%}
        {%- set relation = api.Relation.create(
            database=target.get('database'), schema=generate_schema_name(schema_name, none), identifier=identifier) -%}
        {%- do drops.append('drop table if exists ' ~ relation) -%}
    {%- endfor -%}
    {{ drops | join(';\n') }}
{% endmacro %}
