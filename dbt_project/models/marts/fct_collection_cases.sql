with cases as (

    select * from {{ ref('int_collection_cases') }}

),

plans as (

    select plan_id, customer_id, merchant_id, plan_type, payment_method
    from {{ ref('stg_plans') }}

),

customers as (

    select customer_id, country from {{ ref('stg_customers') }}

),

recoveries as (

    select
        case_id,
        {{ exact_sum('recovered_amount') }} as recovered_amount,
        {%- for days in [5, 30, 60, 90] %}
        {{ exact_sum('case when days_since_opened <= ' ~ days ~ ' then recovered_amount else 0 end') }}
            as recovered_d{{ days }},
        {%- endfor %}
        max(receipt_date) as last_receipt_date
    from {{ ref('int_case_recoveries') }}
    group by case_id

),

contacts as (

    select
        case_id,
        count(*) as contacts,
        sum({{ flag('is_right_party') }}) as right_party_contacts,
        {{ exact_sum('cost') }} as contact_cost
    from {{ ref('fct_contacts') }}
    where case_id is not null
    group by case_id

),

arrangements as (

    select cases.case_id, count(*) as arrangements
    from cases
    inner join {{ ref('stg_arrangements') }} as arrangements
        on arrangements.plan_id = cases.plan_id
        and cast(arrangements.created_at as date) >= cases.opened_date
        and cast(arrangements.created_at as date)
            <= coalesce(cases.closed_date, {{ open_end_date() }})
    group by cases.case_id

),

allocations as (

    -- allocations overlapping the case, earliest first
    select
        cases.case_id,
        allocations.team_id,
        allocations.team_type,
        row_number() over (
            partition by cases.case_id
            order by allocations.assigned_at, allocations.allocation_id
        ) as allocation_rank
    from cases
    inner join {{ ref('stg_allocations') }} as allocations
        on allocations.plan_id = cases.plan_id
        and cast(allocations.assigned_at as date)
            <= coalesce(cases.closed_date, {{ open_end_date() }})
        and (
            allocations.released_at is null
            or cast(allocations.released_at as date) >= cases.opened_date
        )

),

allocation_summary as (

    select
        allocations.case_id,
        max(case when allocations.allocation_rank = 1 then allocations.team_id end) as team_id,
        max(case when allocations.allocation_rank = 1 then allocations.team_type end)
            as team_type,
        {{ exact_sum('team_costs.cost_per_allocation') }} as allocation_fees
    from allocations
    left join {{ ref('team_costs') }} as team_costs
        on team_costs.team_type = allocations.team_type
    group by allocations.case_id

),

experiments as (

    select
        plan_id,
        experiment_id,
        arm,
        row_number() over (partition by plan_id order by assigned_at, experiment_id)
            as experiment_rank
    from {{ ref('stg_experiments') }}

),

joined as (

    select
        cases.*,
        plans.customer_id,
        plans.merchant_id,
        plans.plan_type,
        plans.payment_method,
        customers.country,
        coalesce(recoveries.recovered_amount, 0) as recovered_amount,
        {%- for days in [5, 30, 60, 90] %}
        coalesce(recoveries.recovered_d{{ days }}, 0) as recovered_d{{ days }},
        {%- endfor %}
        coalesce(contacts.contacts, 0) as contacts,
        coalesce(contacts.right_party_contacts, 0) as right_party_contacts,
        coalesce(contacts.contact_cost, 0) as contact_cost,
        coalesce(arrangements.arrangements, 0) as arrangements,
        coalesce(allocation_summary.team_type, 'unallocated') as team_type,
        allocation_summary.team_id,
        coalesce(allocation_summary.allocation_fees, 0)
            + coalesce(recoveries.recovered_amount, 0) * coalesce(team_costs.commission_rate, 0)
            as allocation_cost,
        experiments.experiment_id,
        experiments.arm as experiment_arm
    from cases
    inner join plans on plans.plan_id = cases.plan_id
    inner join customers on customers.customer_id = plans.customer_id
    left join recoveries on recoveries.case_id = cases.case_id
    left join contacts on contacts.case_id = cases.case_id
    left join arrangements on arrangements.case_id = cases.case_id
    left join allocation_summary on allocation_summary.case_id = cases.case_id
    left join {{ ref('team_costs') }} as team_costs
        on team_costs.team_type = allocation_summary.team_type
    left join experiments
        on experiments.plan_id = cases.plan_id
        and experiments.experiment_rank = 1

)

select
    cast(case_id as varchar) as case_id,
    cast(plan_id as varchar) as plan_id,
    cast(customer_id as varchar) as customer_id,
    cast(merchant_id as varchar) as merchant_id,
    cast(country as varchar) as country,
    cast(plan_type as varchar) as plan_type,
    cast(payment_method as varchar) as payment_method,
    cast(episode_number as integer) as episode_number,
    cast(opened_date as date) as opened_date,
    {{ month_start('opened_date') }} as opened_month,
    cast(closed_date as date) as closed_date,
    cast(outcome as varchar) as outcome,
    cast(escalation_stage as varchar) as escalation_stage,
    cast(age_days as integer) as age_days,
    cast({{ days_between('opened_date', 'closed_date') }} as integer) as days_to_close,
    cast(installments_overdue as bigint) as installments_overdue,
    cast(max_days_past_due as integer) as max_days_past_due,
    {{ stable_amount('overdue_amount') }} as overdue_amount,
    {{ stable_amount('recovered_amount') }} as recovered_amount,
    {{ stable_amount('recovered_d5') }} as recovered_d5,
    {{ stable_amount('recovered_d30') }} as recovered_d30,
    {{ stable_amount('recovered_d60') }} as recovered_d60,
    {{ stable_amount('recovered_d90') }} as recovered_d90,
    outcome = 'cured' and {{ days_between('opened_date', 'closed_date') }} <= 30
        as cured_within_30d,
    cast(contacts as bigint) as contacts,
    cast(right_party_contacts as bigint) as right_party_contacts,
    {{ stable_amount('contact_cost') }} as contact_cost,
    cast(arrangements as bigint) as arrangements,
    cast(team_type as varchar) as team_type,
    cast(team_id as varchar) as team_id,
    {{ stable_amount('allocation_cost') }} as allocation_cost,
    {{ stable_amount('contact_cost + allocation_cost') }} as collection_cost,
    cast(experiment_id as varchar) as experiment_id,
    cast(experiment_arm as varchar) as experiment_arm
from joined
