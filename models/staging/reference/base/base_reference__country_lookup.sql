-- Every way a country is written (ISO alpha-2 code, name, alias) keyed by normalize_key(), to its ISO code.
with

country_codes as (

    select * from {{ ref('country_codes') }}

),

aliases as (

    {{ alias_lookup('country_aliases', 'country_code') }}

),

spellings as (

    select
        {{ normalize_key('country_code') }} as lookup_key,
        country_code
    from country_codes

    union

    select
        {{ normalize_key('country_name') }} as lookup_key,
        country_code
    from country_codes

    union

    select
        lookup_key,
        country_code
    from aliases

),

with_region as (

    select
        spellings.lookup_key,
        spellings.country_code,
        country_codes.region,
        country_codes.is_eu
    from spellings
    inner join country_codes
        on spellings.country_code = country_codes.country_code

)

select * from with_region
