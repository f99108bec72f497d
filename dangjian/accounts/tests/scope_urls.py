"""Accounts URLs for the project-wide scope matrix: user management is the county admin's only."""


def url_cases(world) -> dict[str, dict]:
    from dangjian.accounts.models import User

    outsider = User.objects.create_user(username=f"outside-{len(world['marker'])}", password="界外账号密码123",
                                        role="secretary", organization=world["county"]["community_branch"],
                                        last_name=f"{world['marker']}书记")
    target = {"pk": outsider.pk}
    from dangjian.accounts.models import OneTimeSheet
    from dangjian.core import crypto

    sheet = OneTimeSheet.objects.create(owner=outsider, label=f"{world['marker']}初始密码", count=1,
                                        rows_encrypted=crypto.encrypt("[]"))
    return {
        "accounts:user_list": {},
        "accounts:password_change": {},
        "accounts:user_export": {},
        "accounts:user_create": {},
        "accounts:user_edit": target,
        "accounts:user_deactivate": target,
        "accounts:user_activate": target,
        "accounts:user_password": target,
        "accounts:user_unlock": target,
        "accounts:bulk_register": {},
        "accounts:sheet_download": {"pk": sheet.pk},
    }
