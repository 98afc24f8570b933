-- Cohort recovery curves without expanding cases by day: each case adds its overdue amount to the
-- denominator from day 0 to its last observable day (min(age, 180)); each recovery adds to the
-- numerator from its day since opening to that same last day. Running sums over d = 0..180 of
-- these +/- events give the curves.

{% set max_day = 180 %}
{%- set segments = {
    'all': "'all'",
    'plan_type': 'plan_type',
    'merchant': 'merchant_id',
    'country': 'country',
    'team_type': 'team_type',
    'experiment_arm': dbt.concat(['experiment_id', "':'", 'experiment_arm']),
} -%}

with cases as (

    select
        case_id,
        opened_month as cohort_month,
        plan_type,
        merchant_id,
        country,
        team_type,
        experiment_id,
        experiment_arm,
        overdue_amount,
        least(age_days, {{ max_day }}) as last_observed_day
    from {{ ref('fct_collection_cases') }}

),

recoveries as (

    select case_id, days_since_opened, recovered_amount
    from {{ ref('int_case_recoveries') }}
    where days_since_opened <= {{ max_day }}

),

events as (

    -- a case enters the denominator at day 0 and leaves after its last observable day
    select case_id, 0 as day_number, 1 as case_delta, overdue_amount as overdue_delta,
        0 as recovered_delta
    from cases
    union all
    select case_id, last_observed_day + 1, -1, -overdue_amount, 0
    from cases
    union all
    -- a recovery counts from its day to the case's last observable day
    select recoveries.case_id, recoveries.days_since_opened, 0, 0, recoveries.recovered_amount
    from recoveries
    union all
    select recoveries.case_id, cases.last_observed_day + 1, 0, 0, -recoveries.recovered_amount
    from recoveries
    inner join cases on cases.case_id = recoveries.case_id

),

finest as (

    select
        cases.cohort_month, cases.plan_type, cases.merchant_id, cases.country, cases.team_type,
        cases.experiment_id, cases.experiment_arm, events.day_number,
        sum(events.case_delta) as case_delta,
        {{ exact_sum('events.overdue_delta') }} as overdue_delta,
        {{ exact_sum('events.recovered_delta') }} as recovered_delta
    from events
    inner join cases on cases.case_id = events.case_id
    where events.day_number <= {{ max_day }}
    group by cases.cohort_month, cases.plan_type, cases.merchant_id, cases.country,
        cases.team_type, cases.experiment_id, cases.experiment_arm, events.day_number

),

segmented as (

    {%- for segment_type, expression in segments.items() %}
    select
        cohort_month,
        '{{ segment_type }}' as segment_type,
        {{ expression }} as segment_value,
        day_number,
        sum(case_delta) as case_delta,
        {{ exact_sum('overdue_delta') }} as overdue_delta,
        {{ exact_sum('recovered_delta') }} as recovered_delta
    from finest
    {%- if segment_type == 'experiment_arm' %}
    where experiment_id is not null
    {%- endif %}
    group by cohort_month, {{ expression }}, day_number
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

days as (

    select generated_number - 1 as day_number
    from ({{ dbt.generate_series(max_day + 1) }}) as numbers

),

grid as (

    select groups.cohort_month, groups.segment_type, groups.segment_value, days.day_number
    from (select distinct cohort_month, segment_type, segment_value from segmented) as groups
    cross join days

),

curves as (

    select
        grid.cohort_month,
        grid.segment_type,
        grid.segment_value,
        grid.day_number,
        sum(coalesce(segmented.case_delta, 0)) over running as cases_observed,
        {{ exact_sum('coalesce(segmented.overdue_delta, 0)') }} over running as overdue_amount_observed,
        {{ exact_sum('coalesce(segmented.recovered_delta, 0)') }} over running as recovered_amount_cumulative
    from grid
    left join segmented
        on segmented.cohort_month = grid.cohort_month
        and segmented.segment_type = grid.segment_type
        and segmented.segment_value = grid.segment_value
        and segmented.day_number = grid.day_number
    window running as (
        partition by grid.cohort_month, grid.segment_type, grid.segment_value
        order by grid.day_number
        rows between unbounded preceding and current row
    )

)

select
    cast(cohort_month as date) as cohort_month,
    cast(segment_type as varchar) as segment_type,
    cast(segment_value as varchar) as segment_value,
    cast(day_number as integer) as days_since_opened,
    cast(cases_observed as bigint) as cases_observed,
    {{ stable_amount('overdue_amount_observed') }} as overdue_amount_observed,
    {{ stable_amount('recovered_amount_cumulative') }} as recovered_amount_cumulative,
    cast(
        round(
            case
                when overdue_amount_observed > 0
                    then recovered_amount_cumulative / overdue_amount_observed
            end, 9)
        as double
    ) as recovered_share
from curves
where cases_observed > 0
