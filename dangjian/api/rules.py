from dangjian.core.rules import RuleParameter, declare

declare(
    RuleParameter(
        "api.key_valid_days", "接口密钥有效期（天）", int, 365,
        "本平台数据安全管理：对外接口密钥定期更换", minimum=1, maximum=3650,
        help="新签发的接口密钥自签发之日起的有效天数；已签发的密钥不受修改影响。",
    ),
)
