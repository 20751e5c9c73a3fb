{#-
    CTEs that follow a `source` CTE and flag the rows of people who asked to be erased (`is_erased`), so the
    base model can null every identifying column (unless_erased) before typing. Each ends with `flagged_source`.
-#}

{#-
    Event tables (tracks, pages, identifies): erased by a user id or anonymous id of an erased person
    (stg_compliance__erased_people).
    erased_event_ids_cte() comes first in the model, before `source`: an incremental batch reads it too (the stored
    rows of people erased since must be re-screened), and one CTE is computed once where repeating the subquery
    made DuckDB evaluate it once per use. erased_event_flag_ctes() follows `source`.
-#}
{% macro erased_event_ids_cte() -%}
erased_ids as {{ materialized_cte() }} (

    {{ erased_product_ids() }}

)
{%- endmacro %}

{% macro erased_event_flag_ctes() -%}
flagged_source as (

    select
        source.*,
        coalesce(
            {{ canonical_id('source.user_id') }} in (select erased_ids.product_id from erased_ids)
            or {{ canonical_id('source.anonymous_id') }} in (select erased_ids.product_id from erased_ids),
            false
        ) as is_erased
    from source

)
{%- endmacro %}

{#-
    CRM tables keyed by a person's id: erased when `column` is an id of type `id_type` of an erased person
    (stg_compliance__erased_people): orders and tickets by contact_id; subscriptions by account_id, when an
    account is a person (a Stripe customer no CRM contact matches). With `enabled` false no row is erased and the
    erasure node is not read (the table holds no person's rows).
-#}
{% macro erased_key_flag_ctes(id_type, column, enabled=true) -%}
{%- if not enabled -%}
flagged_source as (

    select
        source.*,
        false as is_erased
    from source

)
{%- else -%}
erased_keys as (

    {{ erased_people_ids(id_type, column) }}

),

flagged_source as (

    select
        source.*,
        coalesce({{ canonical_id('source.' ~ column) }} in (select erased_keys.{{ column }} from erased_keys), false)
            as is_erased
    from source

)
{%- endif -%}
{%- endmacro %}

{% macro erased_contact_flag_ctes() -%}
    {{ erased_key_flag_ctes('contact_id', 'contact_id') }}
{%- endmacro %}
