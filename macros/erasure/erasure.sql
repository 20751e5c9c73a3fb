{#-
    Who must be erased, read from the one erasure node (stg_compliance__erased_people): no macro reads a raw
    source. A person is erased when an erasure request names one of their emails or their contact id; every row
    that belongs to them is quarantined with reason erasure_requested and carries no id of theirs.
    `id_type`: contact_id (CRM contact ids, and stripe:<customer id>), account_id (stripe:<customer id>, the
    account of a Stripe customer no CRM contact matches), product_id (user ids and anonymous ids) or email_hash (the hash of a
    normalized email, for survey answers, which carry no contact id); `column`: the name of the id column output.
-#}
{% macro erased_people_ids(id_type, column) -%}
    select erased_people.erased_id as {{ column }}
    from {{ ref('stg_compliance__erased_people') }} as erased_people
    where erased_people.id_type = {{ sql_string(id_type) }}
{%- endmacro %}

{#- CRM contact ids of erased people (column contact_id). -#}
{% macro erased_contact_ids() -%}
    {{ erased_people_ids('contact_id', 'contact_id') }}
{%- endmacro %}

{#- Product identities (user ids and anonymous ids) of erased people (column product_id). -#}
{% macro erased_product_ids() -%}
    {{ erased_people_ids('product_id', 'product_id') }}
{%- endmacro %}

{#- Hashes of every email of erased people (column email_hash), to match survey answers on. -#}
{% macro erased_email_hashes() -%}
    {{ erased_people_ids('email_hash', 'email_hash') }}
{%- endmacro %}

{#- The hash an email is matched on against erased_email_hashes(): of the normalized email. -#}
{% macro erased_email_hash(expression) -%}
    {{ dbt.hash(normalize_email(expression)) }}
{%- endmacro %}
