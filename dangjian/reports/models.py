from django.db import models


class ReportTemplate(models.Model):
    """The county's text of one section of the work report (templating.SECTIONS), with placeholders
    such as {F13}; a section without a row uses the default that follows the seed report."""

    key = models.CharField("段落", max_length=40, unique=True)
    text = models.TextField("内容")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "工作汇报模板段落"
        verbose_name_plural = "工作汇报模板"
        ordering = ["key"]

    def __str__(self):
        from .templating import SECTIONS

        return next((s.label for s in SECTIONS if s.key == self.key), self.key)
