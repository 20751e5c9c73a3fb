{#-
    The typed columns that say which version of a CRM entity record a row is and whether the CRM deleted it, for
    the typed CTE of base_crm__accounts and base_crm__contacts (the columns record_screening_ctes reads):
    is_deleted (a tolerant boolean, false when blank), has_unparseable_is_deleted and is_deleted_raw (the
    unparseable_boolean check and its detail), created_at, updated_at and updated_at_raw (the version's time and
    its raw text), loaded_at and loaded_at_raw (the load time and its raw text).
-#}
{% macro crm_version_columns() -%}
        coalesce({{ try_parse_boolean('is_deleted') }}, false) as is_deleted,
        {{ is_unparseable_boolean('is_deleted') }} as has_unparseable_is_deleted,
        {{ blank_to_null('is_deleted') }} as is_deleted_raw,
        {{ try_parse_timestamp('created_at') }} as created_at,
        {{ try_parse_timestamp('updated_at') }} as updated_at,
        {{ blank_to_null('updated_at') }} as updated_at_raw,
        {{ loader_timestamp('_loaded_at') }} as loaded_at,
        {{ raw_text('_loaded_at') }} as loaded_at_raw
{%- endmacro %}
