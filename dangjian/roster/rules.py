"""Rule settings of the roster workbook engine."""
from __future__ import annotations

from dangjian.core.rules import RuleParameter, declare

MAX_ROWS_KEY = "roster.max_rows"
PENDING_MINUTES_KEY = "roster.pending_upload_minutes"

declare(
    RuleParameter(
        MAX_ROWS_KEY, "名册工作表最多行数（含标题行；超过即拒绝读取，防止恶意构造的工作簿拖垮服务器）", int, 200_000,
        "本平台（安全限制）：每个工作表有数据的行不得超过此数；更大的名册请拆成几个工作簿分批导入",
        minimum=1_000, maximum=1_000_000,
    ),
    RuleParameter(
        PENDING_MINUTES_KEY, "待导入名册文件保留时间（分钟；未确认导入或预检有错的上传文件到期删除）", int, 60,
        "个人信息保护（本平台）：上传的名册含完整身份号码，确认导入后即删除，未确认的到期删除", minimum=5, maximum=1440,
    ),
)
