{#- Each source below dates its measures by its own event and fills the others with 0; the union is
    summed by day, merchant, country and plan type. Definitions: _marts__models.yml. -#}

{%- set count_measures = [
    'cases_opened', 'dpd6_installments', 'cases_cured', 'cure_d30_observed_cases',
    'cases_cured_within_30d', 'promises_due', 'promises_kept', 'calls_dialled', 'right_party_calls',
    'case_contacts', 'litigation_observed_cases', 'litigation_escalated_cases'] -%}
{%- set amount_measures = [
    'cases_overdue_amount', 'cases_recovered_amount', 'dpd6_overdue_amount', 'dpd6_recovered_amount',
    'realization_d30_overdue_amount', 'realized_d30_amount', 'realization_d60_overdue_amount',
    'realized_d60_amount', 'realization_d90_overdue_amount', 'realized_d90_amount',
    'late_paid_amount', 'late_paid_amount_days', 'collection_cost'] -%}
{%- set litigation_days = litigation_observation_days() -%}

{%- set all_measures = count_measures + amount_measures -%}

with cases as (

    select * from {{ ref('fct_collection_cases') }}

),

installments as (

    select * from {{ ref('fct_installments') }}
    where was_delinquent

),

case_recoveries as (

    select * from {{ ref('int_case_recoveries') }}

),

arrangements as (

    select * from {{ ref('int_arrangement_outcomes') }}
    where is_due

),

plans as (

    select plans.plan_id, plans.merchant_id, plans.plan_type, customers.country
    from {{ ref('stg_plans') }} as plans
    inner join {{ ref('stg_customers') }} as customers
        on customers.customer_id = plans.customer_id

),

calls as (

    select * from {{ ref('fct_contacts') }}
    where {{ is_outbound_call() }}

),

by_case_opening as (

    select
        opened_date as date_day, merchant_id, country, plan_type,
        {{ select_measures(all_measures, {
            'cases_opened': 'count(*)',
            'cases_overdue_amount': exact_sum('overdue_amount'),
            'cases_recovered_amount': exact_sum('recovered_amount'),
            'realization_d30_overdue_amount': exact_sum('case when age_days >= 30 then overdue_amount else 0 end'),
            'realized_d30_amount': exact_sum('case when age_days >= 30 then recovered_d30 else 0 end'),
            'realization_d60_overdue_amount': exact_sum('case when age_days >= 60 then overdue_amount else 0 end'),
            'realized_d60_amount': exact_sum('case when age_days >= 60 then recovered_d60 else 0 end'),
            'realization_d90_overdue_amount': exact_sum('case when age_days >= 90 then overdue_amount else 0 end'),
            'realized_d90_amount': exact_sum('case when age_days >= 90 then recovered_d90 else 0 end'),
            'cases_cured': "sum(" ~ flag("outcome = 'cured'") ~ ")",
            'cure_d30_observed_cases': 'sum(' ~ flag('age_days >= 30') ~ ')',
            'cases_cured_within_30d': 'sum(' ~ flag('age_days >= 30 and cured_within_30d') ~ ')',
            'case_contacts': 'sum(contacts)',
            'collection_cost': exact_sum('collection_cost'),
            'litigation_observed_cases': 'sum(' ~ flag('age_days >= ' ~ litigation_days) ~ ')',
            'litigation_escalated_cases': 'sum(' ~ flag("age_days >= " ~ litigation_days ~ " and outcome in ('escalated', 'written_off')") ~ ')',
        }) }}
    from cases
    group by opened_date, merchant_id, country, plan_type

),

dpd6_recoveries as (

    select installment_id, {{ exact_sum('recovered_amount') }} as recovered_amount
    from case_recoveries
    where receipt_date > {{ add_days('due_date', 5) }}
    group by installment_id

),

dpd6 as (

    -- owed when reaching 6 days past due: what was owed on the first overdue day minus what was
    -- recovered by the end of due date + 5, converted at the due date's rate like overdue_amount
    select
        {{ add_days('installments.due_date', 6) }} as date_day,
        installments.merchant_id, installments.country, installments.plan_type,
        {{ select_measures(all_measures, {
            'dpd6_installments': 'count(*)',
            'dpd6_overdue_amount': exact_sum('greatest(status.amount_local - status.paid_by_dpd5_local, 0) * status.fx_rate_due'),
            'dpd6_recovered_amount': exact_sum('coalesce(dpd6_recoveries.recovered_amount, 0)'),
        }) }}
    from installments
    inner join {{ ref('int_delinquent_installments') }} as status
        on status.installment_id = installments.installment_id
    left join dpd6_recoveries on dpd6_recoveries.installment_id = installments.installment_id
    where status.reached_dpd6
    group by {{ add_days('installments.due_date', 6) }}, installments.merchant_id,
        installments.country, installments.plan_type

),

late_payments as (

    select
        fully_paid_date as date_day, merchant_id, country, plan_type,
        {{ select_measures(all_measures, {
            'late_paid_amount': exact_sum('amount'),
            'late_paid_amount_days': exact_sum('amount * ' ~ days_between('due_date', 'fully_paid_date')),
        }) }}
    from installments
    where fully_paid_date > due_date
    group by fully_paid_date, merchant_id, country, plan_type

),

promises as (

    select
        arrangements.promised_date as date_day, plans.merchant_id, plans.country, plans.plan_type,
        {{ select_measures(all_measures, {
            'promises_due': 'count(*)',
            'promises_kept': 'sum(' ~ flag('arrangements.is_kept') ~ ')',
        }) }}
    from arrangements
    inner join plans on plans.plan_id = arrangements.plan_id
    group by arrangements.promised_date, plans.merchant_id, plans.country, plans.plan_type

),

dialled as (

    select
        sent_date as date_day, merchant_id, country, plan_type,
        {{ select_measures(all_measures, {
            'calls_dialled': 'count(*)',
            'right_party_calls': 'sum(' ~ flag('is_right_party') ~ ')',
        }) }}
    from calls
    group by sent_date, merchant_id, country, plan_type

),

unioned as (

    select * from by_case_opening
    union all
    select * from dpd6
    union all
    select * from late_payments
    union all
    select * from promises
    union all
    select * from dialled

)

select
    cast(date_day as date) as date_day,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    {%- for m in count_measures %}
    cast(sum({{ m }}) as bigint) as {{ m }},
    {%- endfor %}
    {%- for m in amount_measures %}
    {{ stable_amount(exact_sum(m)) }} as {{ m }}{{ ',' if not loop.last }}
    {%- endfor %}
from unioned
group by date_day, merchant_id, country, plan_type
