{{ config(enabled=raw_adapter_enabled('stripe', 'orders')) }}
{#-
    Stripe charges and refunds as the contract's orders (docs/adapters.md, "stripe"): one row per charge, one per
    refund object, and one per charge whose amount_refunded exceeds its refund objects (the unrecorded remainder).
    Amounts from minor units (seeds/currency_minor_units.csv); people by normalized email against the CRM contacts
    of this build
    (base_stripe__contacts_by_email).
-#}
{%- set charge = source('stripe', 'charge') -%}
{%- set charge_columns = loader_columns(charge) -%}
{%- set refund = source('stripe', 'refund') -%}
{%- set refund_columns = loader_columns(refund) %}

with

charges as (

    select
        {{ blank_to_null('id') }} as charge_id,
        {{ blank_to_null('customer_id') }} as customer_id,
        {{ try_cast_number('amount', 'double') }} as amount_minor,
        coalesce({{ try_cast_number(loader_column_or_null(charge_columns, 'amount_refunded', 'double'), 'double') }}, 0)
            as amount_refunded_minor,
        upper({{ blank_to_null('currency') }}) as currency,
        lower({{ blank_to_null('status') }}) as charge_status,
        {{ loader_flag(loader_column_or_null(charge_columns, 'captured')) }} is false as is_uncaptured,
        {{ loader_flag(loader_column_or_null(charge_columns, 'livemode')) }} is false as is_test_mode,
        {{ loader_column_or_null(charge_columns, 'receipt_email') }} as receipt_email,
        {{ stripe_time('created') }} as created_at,
        _fivetran_synced
    from {{ charge }}

),

refunds as (

    select
        {{ blank_to_null('id') }} as refund_id,
        {{ blank_to_null('charge_id') }} as charge_id,
        {{ try_cast_number('amount', 'double') }} as amount_minor,
        upper({{ blank_to_null('currency') }}) as currency,
        coalesce(lower({{ blank_to_null(loader_column_or_null(refund_columns, 'status')) }}), 'succeeded') as refund_status,
        {{ stripe_time('created') }} as created_at,
        _fivetran_synced
    from {{ refund }}

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

-- Each charge's person: its customer's email, else (a guest payment) its receipt email. Unmatched customers keep
-- stripe:<customer id>, so their orders show as orders of contacts not in the CRM.
charge_people as (

    select
        charges.*,
        coalesce(people.contact_id, {{ stripe_person_id('charges.customer_id') }}) as contact_id,
        people.account_id,
        case when minor_units.currency_code is null then 2 else minor_units.minor_unit_exponent end as exponent
    from charges
    left join customers
        on charges.customer_id = customers.customer_id
    left join people
        on people.email = coalesce(customers.email, {{ normalize_email('charges.receipt_email') }})
    left join minor_units
        on charges.currency = minor_units.currency_code

),

-- Refund objects that did or will return money: what amount_refunded already includes.
recorded_refunds as (

    select
        charge_id,
        sum(amount_minor) as amount_minor
    from refunds
    where refund_status in ('succeeded', 'pending')
    group by charge_id

),

charge_orders as (

    select
        charge_id as id,
        contact_id,
        account_id,
        cast(null as {{ dbt.type_string() }}) as parent_order_id,
        amount_minor / power(10, exponent) as amount,
        currency,
        case
            when is_test_mode then 'test_mode'
            when charge_status = 'succeeded' and is_uncaptured then 'uncaptured'
            when charge_status = 'succeeded' then 'paid'
            else charge_status
        end as status,
        created_at as ordered_at,
        cast(_fivetran_synced as {{ dbt.type_string() }}) as updated_at,
        _fivetran_synced as _loaded_at
    from charge_people

),

refund_orders as (

    select
        refunds.refund_id as id,
        charge_people.contact_id,
        charge_people.account_id,
        refunds.charge_id as parent_order_id,
        refunds.amount_minor / power(10, coalesce(minor_units.minor_unit_exponent, 2)) as amount,
        refunds.currency,
        case
            when refunds.refund_status = 'succeeded' then 'refunded'
            else {{ dbt.concat(["'refund_'", 'refunds.refund_status']) }}
        end as status,
        refunds.created_at as ordered_at,
        cast(refunds._fivetran_synced as {{ dbt.type_string() }}) as updated_at,
        refunds._fivetran_synced as _loaded_at
    from refunds
    left join charge_people
        on refunds.charge_id = charge_people.charge_id
    left join minor_units
        on refunds.currency = minor_units.currency_code

),

-- amount_refunded beyond the refund objects (the refund table not synced, or behind): one refund of the remainder,
-- dated with its charge, so a refund is counted once whichever way it was loaded.
unrecorded_refunds as (

    select
        {{ dbt.concat(['charge_people.charge_id', "':unrecorded_refund'"]) }} as id,
        charge_people.contact_id,
        charge_people.account_id,
        charge_people.charge_id as parent_order_id,
        (charge_people.amount_refunded_minor - coalesce(recorded_refunds.amount_minor, 0)) / power(10, charge_people.exponent)
            as amount,
        charge_people.currency,
        case when charge_people.is_test_mode then 'test_mode' else 'refunded' end as status,
        charge_people.created_at as ordered_at,
        cast(charge_people._fivetran_synced as {{ dbt.type_string() }}) as updated_at,
        charge_people._fivetran_synced as _loaded_at
    from charge_people
    left join recorded_refunds
        on charge_people.charge_id = recorded_refunds.charge_id
    where charge_people.amount_refunded_minor > coalesce(recorded_refunds.amount_minor, 0)

),

unioned as (

    select * from charge_orders
    union all
    select * from refund_orders
    union all
    select * from unrecorded_refunds

),

final as (

    select
        cast(id as {{ dbt.type_string() }}) as id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(parent_order_id as {{ dbt.type_string() }}) as parent_order_id,
        cast(amount as {{ type_double() }}) as amount,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(ordered_at as {{ dbt.type_string() }}) as ordered_at,
        cast(updated_at as {{ dbt.type_string() }}) as updated_at,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from unioned

)

select * from final
