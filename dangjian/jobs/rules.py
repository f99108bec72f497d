from dangjian.core.rules import RuleParameter, declare

declare(
    RuleParameter(
        "jobs.export_inline_rows", "直接下载的导出行数上限", int, 5000,
        "本平台性能要求：大批量导出不占用网页请求", minimum=1, maximum=1000000,
        help="列表的电子表格导出不超过该行数时直接下载；超过时转为后台任务，在“我的任务”中显示进度并下载结果。",
    ),
)
