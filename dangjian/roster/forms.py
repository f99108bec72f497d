from django import forms
from django.conf import settings

from .engine import is_xlsx


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="名册工作簿（.xlsx）", error_messages={
        "required": "请选择要导入的名册工作簿（.xlsx 文件）",
        "empty": "上传的文件是空的（0 字节），请检查后重新选择",
    })

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = settings.DANGJIAN_UPLOAD_MAX_BYTES
        if f.size > limit:
            raise forms.ValidationError(
                f"文件太大：{_mb(f.size)}，超过上限 {_mb(limit)}。请把名册拆成几个工作簿分批导入。")
        name = (f.name or "").lower()
        if not name.endswith(".xlsx"):
            hint = "如果是 .xls 或 WPS 表格，请先“另存为” Excel 工作簿（.xlsx）" if name.endswith((".xls", ".et", ".csv", ".ods")) else ""
            raise forms.ValidationError("只能上传 Excel 工作簿（扩展名为 .xlsx 的文件）。" + hint)
        if not is_xlsx(f):
            raise forms.ValidationError("文件内容不是有效的 Excel 工作簿（.xlsx）：文件可能已损坏，或是改了扩展名的其他文件。")
        return f
