with status as (

    select * from {{ ref('int_installment_payment_status') }}

),

case_installments as (

    select installment_id, case_id from {{ ref('int_case_installments') }}

),

recoveries as (

    select installment_id, {{ exact_sum('recovered_amount') }} as recovered_amount
    from {{ ref('int_case_recoveries') }}
    group by installment_id

)

select
    cast(status.installment_id as varchar) as installment_id,
    cast(status.plan_id as varchar) as plan_id,
    cast(status.customer_id as varchar) as customer_id,
    cast(status.merchant_id as varchar) as merchant_id,
    cast(status.country as varchar) as country,
    cast(status.plan_type as varchar) as plan_type,
    cast(status.payment_method as varchar) as payment_method,
    cast(status.currency as varchar) as currency,
    cast(status.sequence as integer) as sequence,
    cast(status.installment_count as integer) as installment_count,
    cast(status.due_date as date) as due_date,
    {{ month_start('status.due_date') }} as due_month,
    cast({{ date_part_of('day', 'status.due_date') }} as integer) as due_day_of_month,
    {{ stable_amount('status.amount') }} as amount,
    {{ stable_amount('status.amount_local') }} as amount_local,
    cast(status.first_attempt_status as varchar) as first_attempt_status,
    cast(status.first_attempt_failure_reason as varchar) as first_attempt_failure_reason,
    cast(status.first_attempted_at as timestamp) as first_attempted_at,
    cast(status.attempts as bigint) as attempts,
    {{ stable_amount('status.paid_amount') }} as paid_amount,
    {{ stable_amount('status.paid_amount_local') }} as paid_amount_local,
    cast(status.fully_paid_date as date) as fully_paid_date,
    status.due_date <= status.as_of_date as is_due,
    cast(status.days_past_due as integer) as days_past_due,
    cast(status.max_days_past_due as integer) as max_days_past_due,
    cast({{ dpd_bucket('status.days_past_due') }} as varchar) as dpd_bucket,
    cast(status.was_delinquent as boolean) as was_delinquent,
    {{ stable_amount('status.overdue_amount') }} as overdue_amount,
    {{ stable_amount('coalesce(recoveries.recovered_amount, 0)') }} as recovered_amount,
    status.was_delinquent and status.fully_paid_date is not null as recovered_after_delinquency,
    cast(case_installments.case_id as varchar) as case_id
from status
left join case_installments on case_installments.installment_id = status.installment_id
left join recoveries on recoveries.installment_id = status.installment_id
