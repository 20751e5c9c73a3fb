-- Each app user id seen in an identify call up to as_of_date, with the CRM contact its latest email trait
-- matches (normalized email, through int_contacts__emails). contact_id is null when it matches no contact.
with

identifies as (

    select * from {{ ref('stg_product__identifies') }}
    where occurred_at < {{ as_of_end_timestamp() }}

),

contact_emails as (

    select * from {{ ref('int_contacts__emails') }}

),

latest_email_per_user as (

    select
        user_id,
        email,
        row_number() over (partition by user_id order by occurred_at desc, event_id desc) as recency_rank
    from identifies
    where user_id is not null and email is not null

),

users as (

    select distinct user_id
    from identifies
    where user_id is not null

),

linked as (

    select
        users.user_id,
        contact_emails.contact_id
    from users
    left join latest_email_per_user
        on
            users.user_id = latest_email_per_user.user_id
            and latest_email_per_user.recency_rank = 1
    left join contact_emails
        on latest_email_per_user.email = contact_emails.email

)

select * from linked
