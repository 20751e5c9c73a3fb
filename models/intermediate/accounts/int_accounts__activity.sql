-- Per account existing on as_of_date: its contacts and how many of them used the product in the last 30 days
-- (var behavior_window_days): active_users_30d of the firmographic mart.
with

accounts as (

    select * from {{ ref('int_accounts__as_of') }}

),

behavior as (

    select * from {{ ref('int_contacts__behavior_metrics') }}

),

per_account as (

    select
        account_id,
        count(*) as contacts,
        sum(case when events_30d > 0 then 1 else 0 end) as active_users_30d
    from behavior
    where account_id is not null
    group by account_id

),

activity as (

    select
        accounts.account_id,
        coalesce(per_account.contacts, 0) as contacts,
        coalesce(per_account.active_users_30d, 0) as active_users_30d
    from accounts
    left join per_account
        on accounts.account_id = per_account.account_id

)

select * from activity
