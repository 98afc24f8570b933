-- The aggregated marts add up to the facts they summarise; returns one row per mismatch.
with checks as (

    select
        'kpis_daily cases_opened' as check_name,
        (select sum(cases_opened) from {{ ref('mart_kpis_daily') }}) as mart_value,
        (select count(*) from {{ ref('fct_collection_cases') }}) as fact_value
    union all
    select
        'kpis_daily cases_overdue_amount',
        (select sum(cases_overdue_amount) from {{ ref('mart_kpis_daily') }}),
        (select sum(overdue_amount) from {{ ref('fct_collection_cases') }})
    union all
    select
        'kpis_daily calls_dialled',
        (select sum(calls_dialled) from {{ ref('mart_kpis_daily') }}),
        (select count(*) from {{ ref('fct_contacts') }}
            where channel = 'call' and direction = 'outbound')
    union all
    select
        'channel_funnel contacts_sent',
        (select sum(contacts_sent) from {{ ref('mart_channel_funnel') }}),
        (select count(*) from {{ ref('fct_contacts') }})
    union all
    select
        'contact_compliance contacts',
        (select sum(contacts) from {{ ref('mart_contact_compliance') }}),
        (select count(*) from {{ ref('fct_contacts') }})
    union all
    select
        'contact_compliance out_of_hours',
        (select sum(out_of_hours_contacts) from {{ ref('mart_contact_compliance') }}),
        (select count(*) from {{ ref('fct_contacts') }} where is_out_of_hours)
    union all
    select
        'payment_failures first_attempts',
        (select sum(first_attempts) from {{ ref('mart_payment_failures') }}),
        (select count(*) from {{ ref('fct_installments') }} where first_attempt_status is not null)
    union all
    select
        'payment_failures by reason',
        (select sum(
            {%- for reason in failure_reasons() %}
            failed_{{ reason }}{{ ' + ' if not loop.last }}
            {%- endfor %}
        ) from {{ ref('mart_payment_failures') }}),
        (select sum(failed_first_attempts) from {{ ref('mart_payment_failures') }})
    union all
    select
        'cohort_recovery day 0 cases',
        (select sum(cases_observed) from {{ ref('mart_cohort_recovery') }}
            where segment_type = 'all' and days_since_opened = 0),
        (select count(*) from {{ ref('fct_collection_cases') }})
    union all
    select
        'roll_rates rows are dense',
        (select count(*) from {{ ref('mart_roll_rates') }}),
        (select 6 * count(*) from (
            select distinct month_end, merchant_id, country, plan_type, from_bucket
            from {{ ref('mart_roll_rates') }}) as groups)

)

select *
from checks
where abs(coalesce(mart_value, 0) - coalesce(fact_value, 0)) > 0.01
