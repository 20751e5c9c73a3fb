-- One row per contact existing on as_of_date with age band and demographic attributes (SEGMENTS.md
-- "Demographic"). Age on as_of_date and is_implausible_age from int_contacts__as_of: an implausible age has
-- age_band unknown. Bands from seeds.
with

contacts as (

    select * from {{ ref('int_contacts__as_of') }}

),

age_bands as (

    select * from {{ ref('age_bands') }}

),

income_bands as (

    select * from {{ ref('income_bands') }}

),

job_role_keywords as (

    select * from {{ ref('job_role_keywords') }}

),

aged as (

    select
        contact_id,
        age,
        is_implausible_age,
        gender,
        household_income,
        education,
        marital_status,
        lower(job_title) as job_title_lower,
        seniority
    from contacts

),

titles as (

    select distinct job_title_lower
    from aged
    where job_title_lower is not null

),

job_roles as (

    -- keywords are matched once per distinct title (a few hundred), not once per contact
    select
        titles.job_title_lower,
        job_role_keywords.job_role,
        row_number() over (
            partition by titles.job_title_lower
            order by job_role_keywords.priority asc, length(job_role_keywords.keyword) desc, job_role_keywords.job_role asc
        ) as match_rank
    from titles
    inner join job_role_keywords
        on {{ matches_word('titles.job_title_lower', 'lower(job_role_keywords.keyword)') }}

),

segmented as (

    select
        aged.contact_id,
        coalesce(age_bands.age_band, 'unknown') as age_band,
        aged.age,
        age_bands.min_value as age_min,
        age_bands.max_value_exclusive as age_max_exclusive,
        aged.is_implausible_age,
        aged.gender,
        coalesce(income_bands.income_band, 'unknown') as income_band,
        coalesce(aged.education, 'unknown') as education,
        coalesce(aged.marital_status, 'unknown') as marital_status,
        case
            when aged.job_title_lower is null then 'unknown'
            else coalesce(job_roles.job_role, 'other')
        end as job_role,
        coalesce(aged.seniority, 'unknown') as seniority
    from aged
    left join age_bands
        on {{ band_join('age_bands', 'aged.age') }}
    left join income_bands
        on {{ band_join('income_bands', 'aged.household_income') }}
    left join job_roles
        on
            aged.job_title_lower = job_roles.job_title_lower
            and job_roles.match_rank = 1

),

-- why: the values behind the rule that matched (macros/segments/explanation.sql)
explained as (

    select
        *,
        case
            when is_implausible_age then 'is_implausible_age=true'
            when age is null then 'age=null'
            when age_band = 'unknown' then {{ explain_fact('age', 'age', rest=' (in no band of seeds/age_bands.csv)') }}
            else {{ dbt.concat([
                explain_fact('age', 'age', rest=' >= '), explain_value('age_min'),
                "case when age_max_exclusive is null then '' else " ~ dbt.concat(["' and < '", explain_value('age_max_exclusive')]) ~ " end",
            ]) }}
        end as age_band_explanation
    from segmented

),

final as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(age_band as {{ dbt.type_string() }}) as age_band,
        cast(age_band_explanation as {{ dbt.type_string() }}) as age_band_explanation,
        cast(age as {{ dbt.type_int() }}) as age,
        cast(is_implausible_age as {{ dbt.type_boolean() }}) as is_implausible_age,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(income_band as {{ dbt.type_string() }}) as income_band,
        cast(education as {{ dbt.type_string() }}) as education,
        cast(marital_status as {{ dbt.type_string() }}) as marital_status,
        cast(job_role as {{ dbt.type_string() }}) as job_role,
        cast(seniority as {{ dbt.type_string() }}) as seniority,
        {{ as_of_date() }} as as_of_date
    from explained

)

select * from final
