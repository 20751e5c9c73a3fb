{#-
    Who must be erased, as subqueries over the raw sources only (staging reads sources, nothing else).
    A person is erased when their normalized email is in an erasure request; every row that belongs to them
    is quarantined with reason erasure_requested and carries no id of theirs.
-#}

{#-
    The identify calls erasure reads: the raw table when identifies come in the generic shape, else the events
    adapter's model of them (base_<adapter>__identifies, or the empty generic one when identifies are absent), whose
    source is the only one enabled then.
-#}
{% macro erasure_identifies_relation() -%}
    {%- if not raw_table_is_absent('identifies') and raw_table_adapter('identifies') == 'generic' -%}
        {{ return(source('product', 'identifies')) }}
    {%- endif -%}
    {{ return(raw_relation('identifies')) }}
{%- endmacro %}

{#- Normalized emails named in erasure requests. -#}
{% macro erased_emails() -%}
    select {{ normalize_email('email') }} as email
    from {{ source('compliance', 'erasure_requests') }}
    where {{ normalize_email('email') }} is not null
{%- endmacro %}

{#- CRM contact ids any version of which carries an erased email. -#}
{% macro erased_contact_ids() -%}
    select distinct {{ blank_to_null('id') }} as contact_id
    from {{ source('crm', 'contacts') }}
    where {{ normalize_email('email') }} in ({{ erased_emails() }})
        and {{ blank_to_null('id') }} is not null
{%- endmacro %}

{#-
    Product identities (user ids and anonymous ids) tied to an erased email by an identify call, and the
    anonymous ids that an identify ties to such a user id.
-#}
{% macro erased_product_ids() -%}
    select {{ blank_to_null('user_id') }} as product_id
    from {{ erasure_identifies_relation() }}
    where {{ normalize_email('email') }} in ({{ erased_emails() }})
        and {{ blank_to_null('user_id') }} is not null
    union
    select {{ blank_to_null('anonymous_id') }} as product_id
    from {{ erasure_identifies_relation() }}
    where {{ blank_to_null('anonymous_id') }} is not null
        and (
            {{ normalize_email('email') }} in ({{ erased_emails() }})
            or {{ blank_to_null('user_id') }} in (
                select {{ blank_to_null('user_id') }}
                from {{ erasure_identifies_relation() }}
                where {{ normalize_email('email') }} in ({{ erased_emails() }})
            )
        )
{%- endmacro %}
