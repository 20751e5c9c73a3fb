{{ config(materialized='table') }}
{#-
    Who must be erased, as ids only (no email): the one node every screening model and the history's post-hook
    read. A request names a person by an email or a CRM contact id; the person is their contact (every version of
    it in the extract), every email that contact has had, the product identities an identify ties to any of those
    emails, and the survey answers given under any of them (matched by a hash of the normalized email, since
    answers carry no contact id). With the Stripe billing adapter, also every Stripe customer whose normalized email
    is one of the person's: one that matches no CRM contact is the person stripe:<customer id>, the contact_id of
    its orders and the account_id of its subscriptions (docs/adapters.md, "stripe").
-#}
{%- set stripe_billing = raw_adapter_enabled('stripe', 'orders') or raw_adapter_enabled('stripe', 'subscriptions') %}
with

requests as (

    select
        record_id as erasure_request_id,
        email,
        contact_id
    from {{ ref('base_compliance__erasure_requests') }}
    where quarantine_reason is null

),

crm_contacts as (

    select
        {{ canonical_id('id') }} as contact_id,
        {{ normalize_email('email') }} as email
    from {{ raw_relation('contacts') }}

),

identifies as (

    select
        {{ canonical_id('user_id') }} as user_id,
        {{ canonical_id('anonymous_id') }} as anonymous_id,
        {{ normalize_email('email') }} as email
    from {{ raw_relation('identifies') }}

),

respondents as (

    select distinct {{ normalize_email('respondent_email') }} as email
    from {{ raw_relation('responses') }}

),
{%- if stripe_billing %}

stripe_customers as (

    select * from {{ ref('base_stripe__customers') }}

),
{%- endif %}

-- the contacts a request names: by contact id, or by an email any version of the contact has carried
named_contacts as (

    -- two equality joins, not one joined on `or` (which engines run as a nested loop)
    select
        requests.erasure_request_id,
        crm_contacts.contact_id
    from requests
    inner join crm_contacts on requests.email = crm_contacts.email
    where crm_contacts.contact_id is not null

    union

    select
        requests.erasure_request_id,
        crm_contacts.contact_id
    from requests
    inner join crm_contacts on requests.contact_id = crm_contacts.contact_id

),

-- every email of the person: the one the request names and every one their contact has had in any version
person_emails as (

    select
        erasure_request_id,
        email
    from requests
    where email is not null

    union

    select
        named_contacts.erasure_request_id,
        crm_contacts.email
    from named_contacts
    inner join crm_contacts on named_contacts.contact_id = crm_contacts.contact_id
    where crm_contacts.email is not null

),

user_ids as (

    select distinct
        person_emails.erasure_request_id,
        identifies.user_id
    from person_emails
    inner join identifies on person_emails.email = identifies.email
    where identifies.user_id is not null

),

-- anonymous ids an identify ties to one of the emails, or to one of their user ids
anonymous_ids as (

    select
        person_emails.erasure_request_id,
        identifies.anonymous_id
    from person_emails
    inner join identifies on person_emails.email = identifies.email
    where identifies.anonymous_id is not null

    union

    select
        user_ids.erasure_request_id,
        identifies.anonymous_id
    from user_ids
    inner join identifies on user_ids.user_id = identifies.user_id
    where identifies.anonymous_id is not null

),
{% if stripe_billing %}
-- the Stripe customers carrying one of the person's emails, as the person id their orders and subscriptions carry
-- when no CRM contact matches them (a matched one's rows carry the contact's ids, erased above)
stripe_people as (

    select distinct
        person_emails.erasure_request_id,
        {{ stripe_person_id('stripe_customers.customer_id') }} as person_id
    from person_emails
    inner join stripe_customers on person_emails.email = stripe_customers.email
    where stripe_customers.customer_id is not null

),
{% endif %}
erased_ids as (

    -- a contact id a request names is erased even when no contact carries it (orders or tickets may)
    select
        erasure_request_id,
        'contact_id' as id_type,
        contact_id as erased_id,
        false as is_found
    from requests
    where contact_id is not null

    union all

    select
        erasure_request_id,
        'contact_id' as id_type,
        contact_id as erased_id,
        true as is_found
    from named_contacts

    union all

    select
        erasure_request_id,
        'product_id' as id_type,
        user_id as erased_id,
        true as is_found
    from user_ids

    union all

    select
        erasure_request_id,
        'product_id' as id_type,
        anonymous_id as erased_id,
        true as is_found
    from anonymous_ids

    union all

    select
        person_emails.erasure_request_id,
        'email_hash' as id_type,
        {{ dbt.hash('person_emails.email') }} as erased_id,
        respondents.email is not null as is_found
    from person_emails
    left join respondents on person_emails.email = respondents.email
    {%- if stripe_billing %}

    union all

    select
        erasure_request_id,
        'contact_id' as id_type,
        person_id as erased_id,
        true as is_found
    from stripe_people

    union all

    select
        erasure_request_id,
        'account_id' as id_type,
        person_id as erased_id,
        true as is_found
    from stripe_people
    {%- endif %}

),

final as (

    select
        cast(erasure_request_id as {{ dbt.type_string() }}) as erasure_request_id,
        cast(id_type as {{ dbt.type_string() }}) as id_type,
        cast(erased_id as {{ dbt.type_string() }}) as erased_id,
        max(case when is_found then 1 else 0 end) = 1 as is_found
    from erased_ids
    group by 1, 2, 3

)

select * from final
