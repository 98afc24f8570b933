{{ config(materialized='table') }}

{#- Money recovered on overdue installments: each day's receipts after the due date, capped so an
    installment never recovers more than it owed on its first overdue day (overpayments are not
    recovery), in the reporting currency at the payment date's rate, with the case it belongs to
    and the days since that case opened. -#}

with receipts as (

    select * from {{ ref('int_installment_receipts') }}

),

case_installments as (

    select * from {{ ref('int_case_installments') }}

),

cases as (

    select case_id, opened_date from {{ ref('int_collection_cases') }}

),

status as (

    select installment_id, paid_by_due_local
    from {{ ref('int_delinquent_installments') }}
    where was_delinquent

),

after_due as (

    select
        case_installments.case_id,
        case_installments.installment_id,
        case_installments.plan_id,
        case_installments.due_date,
        receipts.receipt_date,
        receipts.received_local,
        receipts.received_amount,
        case_installments.overdue_amount_local,
        -- received after the due date and before this day
        receipts.cum_received_local - receipts.received_local - status.paid_by_due_local
            as recovered_before_local
    from receipts
    inner join case_installments
        on case_installments.installment_id = receipts.installment_id
    inner join status on status.installment_id = receipts.installment_id
    where receipts.receipt_date > case_installments.due_date

),

capped as (

    select
        after_due.*,
        greatest(
            least(received_local, overdue_amount_local - recovered_before_local), 0
        ) as recovered_local
    from after_due

)

select
    capped.case_id,
    capped.installment_id,
    capped.plan_id,
    capped.due_date,
    capped.receipt_date,
    capped.recovered_local,
    case
        when capped.received_local > 0
            then capped.received_amount * capped.recovered_local / capped.received_local
        else 0
    end as recovered_amount,
    {{ days_between('cases.opened_date', 'capped.receipt_date') }} as days_since_opened
from capped
inner join cases on cases.case_id = capped.case_id
