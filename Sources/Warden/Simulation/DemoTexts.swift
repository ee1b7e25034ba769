/// Texts the simulated platform sends: everyday chatter and violations of every contract
/// category, many in evasive spellings. Each violation is one the default rule pack flags.
enum DemoTexts {
    static let clean = [
        "周末一起去爬山吗？", "明天上午十点开会，别迟到", "这家店的面条真好吃", "孩子的作业写完了吗",
        "今天天气不错，适合晒被子", "谁有空帮忙搬一下家", "晚上八点线上读书会", "群里的照片我都存好了",
        "快递到了放门卫了", "生日快乐！", "这个周末加班吗", "推荐一本好书给大家",
    ]

    /// Violations by category.
    static let violations: [(category: String, text: String)] = [
        ("obscene", "同城约炮加我"), ("obscene", "寂寞吗？裸.聊了解一下"), ("obscene", "免费成人視頻点这里"),
        ("violence_terror", "出售手枪，价格私聊"), ("violence_terror", "自 制 炸 药教程"),
        ("rumor", "看到请转发，否则全家倒霉"), ("rumor", "內部消息，明天要封城"),
        ("fraud", "招刷單兼職，一单一结"), ("fraud", "加v信，刷单返利"), ("fraud", "我是淘宝客服，退款需要您开启屏幕共享"),
        ("pyramid_selling", "只要拉人头就能赚钱"), ("pyramid_selling", "国家扶持的1040工程"),
        ("gambling", "今晚来网赌，稳赢"), ("gambling", "来 赌.博 吧"), ("gambling", "上分找客服，首充送彩金"),
        ("rights_infringement", "你就是个傻逼"), ("rights_infringement", "群主是个脑殘"),
        ("personal_info", "他身份证是110101199003074578"), ("personal_info", "大家人肉他"),
    ]

    static let obsceneChannel = ["免费成人視頻点这里", "谁有黄色网站发一个", "同城约炮加我", "寂寞吗？裸.聊了解一下"]

    /// Private chats carry violating text too: it must never be looked at.
    static let privateChatter = ["今晚回家吃饭吗", "来 赌.博 吧", "妈妈做了红烧肉"]
}
