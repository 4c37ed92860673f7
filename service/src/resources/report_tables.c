/* report_tables.c: the tables of a report and their columns (see report_tables.h). */
#include "resources/report_tables.h"

#include <string.h>

#define TABLE(name, vi, en, ...)                                                 \
    {                                                                            \
        name, vi, en, (const report_column[]){__VA_ARGS__},                      \
            sizeof((const report_column[]){__VA_ARGS__}) / sizeof(report_column) \
    }

/* The names beside codes (export_add_names puts them in the rows). */
#define AGENCY_NAME                                                    \
    {                                                                  \
        "agency_name", "Tên cơ quan, đơn vị", "Agency name", XLSX_TEXT \
    }
#define LEAD_NAMES                                                          \
    {                                                                       \
        "lead_names", "Tên cơ quan chủ trì", "Lead agency names", XLSX_TEXT \
    }
#define UNIT_NAME                                         \
    {                                                     \
        "unit_name", "Tên đơn vị", "Unit name", XLSX_TEXT \
    }

const report_table report_tables[] = {
    TABLE("indicators", "Chỉ tiêu", "Indicators", {"section", "Mục", "Section", XLSX_TEXT},
          {"indicator", "Mã chỉ tiêu", "Indicator", XLSX_TEXT},
          {"name", "Tên chỉ tiêu", "Name", XLSX_TEXT}, {"period", "Kỳ", "Period", XLSX_TEXT},
          {"unit", "Đơn vị", "Unit", XLSX_TEXT}, UNIT_NAME,
          {"numerator", "Tử số", "Numerator", XLSX_NUMBER},
          {"denominator", "Mẫu số", "Denominator", XLSX_NUMBER},
          {"value", "Giá trị", "Value", XLSX_NUMBER},
          {"units_reporting", "Đơn vị có số liệu", "Units reporting", XLSX_INT},
          {"units_expected", "Đơn vị phải báo cáo", "Units expected", XLSX_INT},
          {"target_operator", "So sánh", "Target operator", XLSX_TEXT},
          {"target_value", "Chỉ tiêu", "Target", XLSX_NUMBER},
          {"attainment", "Đánh giá", "Attainment", XLSX_TEXT}),
    TABLE("tasks", "Nhiệm vụ theo cơ quan", "Tasks by agency",
          {"section", "Mục", "Sections", XLSX_TEXT},
          {"agency", "Cơ quan chủ trì", "Lead agency", XLSX_TEXT}, AGENCY_NAME,
          {"total", "Tổng số", "Total", XLSX_INT},
          {"not_started", "Chưa thực hiện", "Not started", XLSX_INT},
          {"in_progress", "Đang thực hiện", "In progress", XLSX_INT},
          {"done", "Hoàn thành", "Done", XLSX_INT},
          {"cancelled", "Dừng thực hiện", "Cancelled", XLSX_INT},
          {"overdue", "Quá hạn", "Overdue", XLSX_INT}),
    TABLE("task_status", "Tình hình nhiệm vụ", "Task status", {"id", "Mã", "Id", XLSX_INT},
          {"key", "Khóa", "Key", XLSX_TEXT}, {"section", "Mục", "Section", XLSX_TEXT},
          {"source_clause", "Điều khoản", "Clause", XLSX_TEXT},
          {"title", "Nhiệm vụ", "Title", XLSX_TEXT}, {"lead", "Cơ quan chủ trì", "Lead", XLSX_TEXT},
          LEAD_NAMES, {"status", "Tình trạng", "Status", XLSX_TEXT},
          {"percent_done", "Tiến độ", "Done", XLSX_PERCENT}, {"due_date", "Hạn", "Due", XLSX_DATE},
          {"due_basis", "Căn cứ hạn", "Due basis", XLSX_TEXT},
          {"recurrence", "Lặp lại", "Recurrence", XLSX_TEXT},
          {"overdue", "Quá hạn", "Overdue", XLSX_BOOL},
          {"last_update", "Cập nhật gần nhất", "Last update", XLSX_TEXT},
          {"last_update_on", "Ngày cập nhật", "Updated on", XLSX_DATE},
          {"last_update_recorded_at", "Ngày ghi nhận", "Recorded on", XLSX_DATE},
          {"late_entry", "Ghi nhận muộn", "Late entry", XLSX_BOOL}),
    TABLE("overdue", "Quá hạn", "Overdue", {"id", "Mã", "Id", XLSX_INT},
          {"section", "Mục", "Section", XLSX_TEXT},
          {"source_clause", "Điều khoản", "Clause", XLSX_TEXT},
          {"title", "Nhiệm vụ", "Title", XLSX_TEXT}, {"status", "Tình trạng", "Status", XLSX_TEXT},
          {"percent_done", "Tiến độ", "Done", XLSX_PERCENT},
          {"occurrence", "Kỳ", "Occurrence", XLSX_TEXT}, {"due_date", "Hạn", "Due", XLSX_DATE},
          {"due_basis", "Căn cứ hạn", "Due basis", XLSX_TEXT},
          {"lead", "Cơ quan chủ trì", "Lead", XLSX_TEXT}, LEAD_NAMES),
    TABLE("pilots", "Mô hình thí điểm", "Pilot models",
          {"model_type", "Mô hình", "Model", XLSX_TEXT},
          {"indicator", "Chỉ tiêu", "Indicator", XLSX_TEXT},
          {"indicator_name", "Tên chỉ tiêu", "Indicator name", XLSX_TEXT},
          {"period", "Kỳ", "Period", XLSX_TEXT}, {"sites", "Số điểm", "Sites", XLSX_INT},
          {"districts", "Số huyện", "Districts", XLSX_INT},
          {"target_operator", "So sánh", "Target operator", XLSX_TEXT},
          {"target_value", "Chỉ tiêu", "Target", XLSX_NUMBER},
          {"target_unit", "Đơn vị tính", "Target unit", XLSX_TEXT},
          {"attainment", "Đánh giá", "Attainment", XLSX_TEXT}),
    TABLE("completeness", "Chế độ báo cáo", "Completeness",
          {"agency", "Cơ quan, đơn vị", "Agency", XLSX_TEXT}, AGENCY_NAME,
          {"period", "Kỳ", "Period", XLSX_TEXT}, {"expected", "Phải nộp", "Expected", XLSX_INT},
          {"submitted", "Đã nộp", "Submitted", XLSX_INT},
          {"on_time", "Đúng hạn", "On time", XLSX_INT}, {"late", "Muộn", "Late", XLSX_INT},
          {"missing", "Chưa nộp", "Missing", XLSX_INT},
          {"late_entries", "Ghi nhận muộn", "Late entries", XLSX_INT}),
    TABLE("updates", "Cập nhật", "Updates", {"id", "Mã", "Id", XLSX_INT},
          {"task", "Nhiệm vụ", "Task", XLSX_INT},
          {"occurred_on", "Ngày phát sinh", "Occurred on", XLSX_DATE},
          {"created_at", "Ngày ghi nhận", "Recorded on", XLSX_DATE},
          {"late_entry", "Ghi nhận muộn", "Late entry", XLSX_BOOL},
          {"occurrence", "Kỳ", "Occurrence", XLSX_TEXT}, {"agency", "Cơ quan", "Agency", XLSX_TEXT},
          AGENCY_NAME, {"author", "Người cập nhật", "Author", XLSX_TEXT},
          {"status", "Tình trạng", "Status", XLSX_TEXT},
          {"percent_done", "Tiến độ", "Done", XLSX_PERCENT},
          {"note", "Nội dung", "Note", XLSX_TEXT}),
    TABLE("funding", "Kinh phí", "Funding", {"agency", "Cơ quan, đơn vị", "Agency", XLSX_TEXT},
          AGENCY_NAME, {"lines", "Số dòng kinh phí được giao", "Lines allocated", XLSX_INT},
          {"allocated", "Kinh phí được giao (đồng)", "Allocated (VND)", XLSX_INT},
          {"spent", "Kinh phí đã chi trong kỳ (đồng)", "Spent in the period (VND)", XLSX_INT},
          {"entries", "Số khoản chi", "Entries", XLSX_INT},
          {"over_allocation_entries", "Khoản chi vượt dự toán", "Entries over the allocation",
           XLSX_INT}),
};
const size_t report_ntables = sizeof report_tables / sizeof report_tables[0];

const report_table *report_table_named(const char *name)
{
    for (size_t i = 0; name && i < report_ntables; i++)
        if (strcmp(report_tables[i].name, name) == 0)
            return &report_tables[i];
    return NULL;
}

void report_table_keys(const report_table *t, const char **keys)
{
    for (size_t i = 0; i < t->ncolumns && i < REPORT_COLUMNS_MAX; i++)
        keys[i] = t->columns[i].key;
}
