{{ config(enabled=raw_adapter_enabled('stripe', 'subscriptions')) }}
{#-
    Stripe subscriptions as the contract's subscriptions (docs/adapters.md, "stripe"): one row per subscription
    row, the account of the customer's CRM contact (base_stripe__contacts_by_email), the plan from the product of its
    main item, mrr from its items' prices per month, in major units.
-#}
{%- set subscription = source('stripe', 'subscription') -%}
{%- set subscription_columns = loader_columns(subscription) -%}
{%- set item = source('stripe', 'subscription_item') -%}
{%- set item_columns = loader_columns(item) -%}
{%- set price = source('stripe', 'price') -%}
{%- set price_columns = loader_columns(price) -%}
{%- set plan_tiers = var('plan_tiers') %}

with

subscriptions as (

    select
        {{ blank_to_null('id') }} as subscription_id,
        {{ blank_to_null('customer_id') }} as customer_id,
        lower({{ blank_to_null('status') }}) as stripe_status,
        coalesce(
            {{ stripe_time(loader_column_or_null(subscription_columns, 'start_date')) }},
            {{ stripe_time(loader_column_or_null(subscription_columns, 'created')) }}
        ) as started_at,
        {{ stripe_time(loader_column_or_null(subscription_columns, 'current_period_end')) }} as current_period_end,
        {{ stripe_time(loader_column_or_null(subscription_columns, 'canceled_at')) }} as canceled_at,
        {{ stripe_time(loader_column_or_null(subscription_columns, 'cancel_at')) }} as cancel_at,
        coalesce({{ loader_flag(loader_column_or_null(subscription_columns, 'cancel_at_period_end')) }}, false)
            as cancel_at_period_end,
        {{ stripe_time(loader_column_or_null(subscription_columns, 'ended_at')) }} as ended_at,
        {{ try_cast_number(loader_column_or_null(subscription_columns, 'quantity'), 'double') }} as legacy_quantity,
        coalesce(
            {{ stripe_time(loader_column_or_null(subscription_columns, '_fivetran_start')) }},
            cast(_fivetran_synced as {{ dbt.type_string() }})
        ) as updated_at,
        _fivetran_synced
    from {{ subscription }}

),

items as (

    select
        {{ blank_to_null('id') }} as item_id,
        {{ blank_to_null('subscription_id') }} as subscription_id,
        coalesce(
            {{ blank_to_null(loader_column_or_null(item_columns, 'price_id')) }},
            {{ blank_to_null(loader_column_or_null(item_columns, 'plan_id')) }}
        ) as price_id,
        {{ try_cast_number(loader_column_or_null(item_columns, 'quantity'), 'double') }} as quantity,
        {{ stripe_time(loader_column_or_null(item_columns, 'current_period_end')) }} as current_period_end
    from {{ item }}
    where not coalesce({{ loader_flag(loader_column_or_null(item_columns, '_fivetran_deleted')) }}, false)

),

prices as (

    select
        {{ blank_to_null('id') }} as price_id,
        upper({{ blank_to_null('currency') }}) as currency,
        coalesce(
            {{ try_cast_number(loader_column_or_null(price_columns, 'unit_amount'), 'double') }},
            {{ try_cast_number(loader_column_or_null(price_columns, 'amount'), 'double') }}
        ) as unit_amount_minor,
        lower(coalesce(
            {{ blank_to_null(loader_column_or_null(price_columns, 'recurring_interval')) }},
            {{ blank_to_null(loader_column_or_null(price_columns, 'interval')) }}
        )) as billing_interval,
        coalesce(
            {{ try_cast_number(loader_column_or_null(price_columns, 'recurring_interval_count'), 'double') }},
            {{ try_cast_number(loader_column_or_null(price_columns, 'interval_count'), 'double') }},
            1
        ) as interval_count,
        {{ blank_to_null(loader_column_or_null(price_columns, 'nickname')) }} as nickname,
        {{ blank_to_null(loader_column_or_null(price_columns, 'product_id')) }} as product_id
    from {{ price }}

),

products as (

    select
        {{ blank_to_null('id') }} as product_id,
        {{ blank_to_null('name') }} as product_name
    from {{ source('stripe', 'product') }}

),

customers as (

    select * from {{ ref('base_stripe__customers') }}

),

people as (

    select * from {{ ref('base_stripe__contacts_by_email') }}

),

minor_units as (

    select * from {{ ref('currency_minor_units') }}

),

-- Each item's monthly amount in major units: unit amount x quantity per interval, a year /12, a week x52/12, a
-- day x365/12, divided by the interval count. A metered or tiered price (no unit amount) adds nothing.
item_amounts as (

    select
        items.subscription_id,
        items.item_id,
        items.current_period_end,
        prices.currency,
        coalesce(products.product_name, prices.nickname, prices.price_id) as plan_name,
        prices.unit_amount_minor
        / power(10, case when minor_units.currency_code is null then 2 else minor_units.minor_unit_exponent end)
        * coalesce(items.quantity, subscriptions.legacy_quantity, 1)
        * case prices.billing_interval
            when 'month' then 1.0
            when 'year' then 1.0 / 12
            when 'week' then 52.0 / 12
            when 'day' then 365.0 / 12
        end
        / prices.interval_count as monthly_amount
    from items
    inner join subscriptions
        on items.subscription_id = subscriptions.subscription_id
    left join prices
        on items.price_id = prices.price_id
    left join products
        on prices.product_id = products.product_id
    left join minor_units
        on prices.currency = minor_units.currency_code

),

-- The main item names the plan: the one whose name is the highest tier of var plan_tiers, else the largest
-- monthly amount, then the smallest item id.
ranked_items as (

    select
        *,
        row_number() over (
            partition by subscription_id
            order by
                case lower(plan_name)
                    {%- for tier in plan_tiers %}
                        when {{ sql_string(tier) }} then {{ loop.index }}
                    {%- endfor %}
                    else 0
                end desc,
                monthly_amount desc nulls last,
                item_id
        ) as item_rank
    from item_amounts

),

per_subscription as (

    select
        subscription_id,
        sum(monthly_amount) as mrr,
        max(case when item_rank = 1 then plan_name end) as plan_name,
        max(case when item_rank = 1 then currency end) as currency,
        min(current_period_end) as item_period_end
    from ranked_items
    group by subscription_id

),

mapped as (

    select
        subscriptions.*,
        per_subscription.mrr,
        per_subscription.plan_name,
        per_subscription.currency,
        coalesce(subscriptions.current_period_end, per_subscription.item_period_end) as period_end,
        case
            when subscriptions.stripe_status = 'incomplete_expired' then 'canceled'
            when subscriptions.stripe_status = 'unpaid' then 'past_due'
            else subscriptions.stripe_status
        end as status,
        coalesce(people.account_id, {{ stripe_person_id('subscriptions.customer_id') }}) as account_id
    from subscriptions
    left join per_subscription
        on subscriptions.subscription_id = per_subscription.subscription_id
    left join customers
        on subscriptions.customer_id = customers.customer_id
    left join people
        on customers.email = people.email

),

final as (

    select
        cast(subscription_id as {{ dbt.type_string() }}) as id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(plan_name as {{ dbt.type_string() }}) as plan,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(mrr as {{ type_double() }}) as mrr,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(started_at as {{ dbt.type_string() }}) as started_at,
        cast(case
            when status = 'canceled' or cancel_at_period_end or cancel_at is not null then null
            else period_end
        end as {{ dbt.type_string() }}) as renews_at,
        cast(case
            when status = 'canceled' then coalesce(ended_at, canceled_at, cancel_at)
            when cancel_at is not null then cancel_at
            when cancel_at_period_end then period_end
        end as {{ dbt.type_string() }}) as canceled_at,
        cast(updated_at as {{ dbt.type_string() }}) as updated_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _loaded_at
    from mapped

)

select * from final
