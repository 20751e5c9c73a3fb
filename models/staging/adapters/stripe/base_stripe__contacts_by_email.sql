{{ config(enabled=raw_adapter_enabled('stripe', 'orders') or raw_adapter_enabled('stripe', 'subscriptions')) }}
{#-
    The CRM contact that a Stripe email is (docs/adapters.md, "stripe", People): one row per normalized email of
    the CRM contacts of this build (raw_relation('contacts'): whichever CRM adapter is chosen), from each
    contact's latest version (by updated_at, then _loaded_at); when contacts share an email, a contact not deleted
    first, then the smallest id, so the choice is the same in every model that matches on it.
-#}
with

crm_contacts as (

    select * from {{ raw_relation('contacts') }}

),

contact_versions as (

    select
        {{ blank_to_null('id') }} as contact_id,
        {{ blank_to_null('account_id') }} as account_id,
        {{ normalize_email('email') }} as email,
        coalesce({{ loader_flag('is_deleted') }}, false) as is_deleted,
        row_number() over (
            partition by {{ blank_to_null('id') }}
            order by {{ try_parse_timestamp('updated_at') }} desc nulls last, _loaded_at desc
        ) as version_rank
    from crm_contacts
    where {{ blank_to_null('id') }} is not null

),

contacts_by_email as (

    select
        contact_id,
        account_id,
        email,
        row_number() over (
            partition by email
            order by case when is_deleted then 1 else 0 end, contact_id
        ) as email_rank
    from contact_versions
    where version_rank = 1 and email is not null

),

people as (

    select
        email,
        contact_id,
        account_id
    from contacts_by_email
    where email_rank = 1

)

select * from people
