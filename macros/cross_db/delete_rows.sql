{#-
    Delete the rows of a table that match a condition, as a hook statement. The incremental history models use it
    to replace a re-run date and to remove erased people.
    Spark's Parquet tables have no DELETE (only Delta and other v2 tables do): there the kept rows are copied to a
    scratch table and written back with INSERT OVERWRITE (Spark refuses to overwrite a table it reads in the same
    statement), and the scratch table is dropped.
-#}
{% macro delete_rows(relation, condition) -%}
    {{ return(adapter.dispatch('delete_rows', 'segments')(relation, condition)) }}
{%- endmacro %}

{% macro default__delete_rows(relation, condition) -%}
    delete from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro spark__delete_rows(relation, condition) -%}
    {%- if execute -%}
        {%- set kept = relation.incorporate(path={'identifier': relation.identifier ~ '__kept_rows'}) -%}
        {%- do run_query('drop table if exists ' ~ kept) -%}
        {%- do run_query('create table ' ~ kept ~ ' using parquet as select * from ' ~ relation
            ~ ' where not coalesce(' ~ condition ~ ', false)') -%}
        {%- do run_query('insert overwrite table ' ~ relation ~ ' select * from ' ~ kept) -%}
    {%- endif -%}
    drop table if exists {{ relation.incorporate(path={'identifier': relation.identifier ~ '__kept_rows'}) }}
{%- endmacro %}
